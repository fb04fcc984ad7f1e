#include "gateway/daemon/cli.h"

int main(int argc, char** argv) {
    return tristar::gateway::gatewayd_main(argc, argv);
}
