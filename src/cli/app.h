// The pipetrace command line: subcommands and their flags.
#pragma once

namespace pipetrace {

int run_cli(int argc, char** argv);

}  // namespace pipetrace
