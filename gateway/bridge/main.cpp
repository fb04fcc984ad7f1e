#include "gateway/bridge/cli.h"

int main(int argc, char** argv) {
    return tristar::bridge::bridge_main(argc, argv);
}
