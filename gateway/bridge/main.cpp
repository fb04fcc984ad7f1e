#include "gateway/bridge/bridge.h"

int main(int argc, char** argv) {
    return tristar::bridge::bridge_main(argc, argv);
}
