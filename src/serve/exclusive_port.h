// Listening sockets that own their port. cpp-httplib sets SO_REUSEPORT by
// default, which lets a second process bind the same port and then
// silently receive a share of its connections: a second pipetrace on the
// same address would steal webhook deliveries instead of failing to start.
// With SO_REUSEADDR only, such a start-up fails with "address in use".
#pragma once

#include <httplib.h>
#include <sys/socket.h>

namespace pipetrace {

inline void bind_port_exclusively(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
}

}  // namespace pipetrace
