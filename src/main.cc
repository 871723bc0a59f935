// pipetrace: turns CI activity on Kubernetes into OpenTelemetry traces.
#include "cli/app.h"

int main(int argc, char** argv) { return pipetrace::run_cli(argc, argv); }
