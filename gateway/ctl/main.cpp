// tristar-ctl: a trampoline. The App parses and runs; here failures become exit codes
// (design.md section 6): 1 for the gateway's or the device's errors, 2 for usage errors.
#include <iostream>

#include "gateway/ctl/app.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/output.h"

int main(int argc, char** argv) {
    using namespace tristar::ctl;
    App app;
    try {
        return app.run(argc, argv);
    } catch (const UsageError& error) {
        std::cerr << "tristar-ctl: " << error.what() << "\n";
        return exit_usage;
    } catch (const GatewayError& error) {
        if (app.json()) std::cout << failure_json(error.failure()) << std::flush;
        std::cerr << failure_text(error.failure());
        return exit_failure;
    } catch (const std::exception& error) {
        std::cerr << "tristar-ctl: " << error.what() << "\n";
        return exit_failure;
    }
}
