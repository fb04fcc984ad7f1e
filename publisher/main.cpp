#include "publisher/cli.h"

int main(int argc, char** argv) {
    return tristar::publisher::publisher_main(argc, argv);
}
