#pragma once
// The composition root of `dzvin serve` and `dzvin demo`: opens the store, seeds the initial
// company, wires transports -> transactions -> dispatcher -> registrar, runs the signalling
// loop until SIGINT/SIGTERM, then shuts down cleanly.
#include "app/config.hpp"

namespace dzvin::app {

struct ServeOptions {
  // Demo mode: print these accounts (with passwords) in the start-up banner, and make sure the
  // database's demo users have exactly these passwords.
  const InitialCompany* demo = nullptr;
};

// Returns the process exit status. Start-up failures are printed as one line on stderr.
int serve(const Config& config, const ServeOptions& options);

}  // namespace dzvin::app
