#pragma once
// tristar-sim's entry point, a function so that tests can run it in-process.
namespace tristar::sim {

// Exit codes: 0 after SIGINT/SIGTERM, 1 on a runtime failure (bind, serial open), 2 on usage
// errors.
int sim_main(int argc, char** argv);

}  // namespace tristar::sim
