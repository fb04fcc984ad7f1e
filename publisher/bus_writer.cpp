#include "publisher/bus_writer.h"

#include <cstddef>

namespace tristar::publisher {

bool dbus_string(std::string_view text) {
    const auto* at = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = at + text.size();
    while (at < end) {
        const unsigned lead = *at;
        if (lead == 0) return false;
        if (lead < 0x80) {
            ++at;
            continue;
        }
        // The bytes that follow the lead, the lead's bits, the least code point of that length.
        std::ptrdiff_t extra = 0;
        char32_t code = 0;
        char32_t least = 0;
        if ((lead & 0xE0U) == 0xC0U) {
            extra = 1;
            code = lead & 0x1FU;
            least = 0x80;
        } else if ((lead & 0xF0U) == 0xE0U) {
            extra = 2;
            code = lead & 0x0FU;
            least = 0x800;
        } else if ((lead & 0xF8U) == 0xF0U) {
            extra = 3;
            code = lead & 0x07U;
            least = 0x10000;
        } else {
            return false;  // a continuation byte first, or 0xF8 and above
        }
        if (end - at <= extra) return false;
        for (std::ptrdiff_t i = 1; i <= extra; ++i) {
            if ((at[i] & 0xC0U) != 0x80U) return false;
            code = (code << 6) | (at[i] & 0x3FU);
        }
        if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        at += extra + 1;
    }
    return true;
}

}  // namespace tristar::publisher
