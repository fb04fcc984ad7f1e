#include "gateway/sim/sim_main.h"

int main(int argc, char** argv) {
    return tristar::sim::sim_main(argc, argv);
}
