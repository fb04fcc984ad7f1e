#include "gateway/ctl/addresses.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "gateway/ctl/errors.h"

namespace tristar::ctl {
namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::optional<std::uint64_t> parse_number(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value, base);
    if (result.ec != std::errc{} || result.ptr != end) return std::nullopt;
    return value;
}

bool looks_numeric(std::string_view text) {
    return !text.empty() &&
           (std::isdigit(static_cast<unsigned char>(text.front())) != 0 || text.front() == '-');
}

std::uint16_t parse_address(std::string_view text) {
    const auto value = parse_number(text);
    if (!value) {
        throw UsageError("bad address " + quoted(text) +
                         ": expected a number 0..65535, decimal or 0x hex (e.g. 24 or 0x18)");
    }
    if (*value >= address_space) {
        throw UsageError("address " + quoted(text) + " is out of range 0..65535 (0x0000..0xffff)");
    }
    return static_cast<std::uint16_t>(*value);
}

std::uint32_t parse_count(std::string_view text, std::string_view what) {
    const auto value = parse_number(text);
    if (!value || *value > 0xFFFFFFFFULL) {
        throw UsageError("bad " + std::string(what) + " " + quoted(text) +
                         ": expected a non-negative number");
    }
    return static_cast<std::uint32_t>(*value);
}

std::uint16_t parse_register_value(std::string_view text, bool allow_negative) {
    const bool negative = !text.empty() && text.front() == '-';
    const auto magnitude = parse_number(negative ? text.substr(1) : text);
    const std::string range = allow_negative ? "-32768..65535" : "0..65535";
    if (!magnitude) {
        throw UsageError("bad register value " + quoted(text) + ": expected a number " + range +
                         ", decimal or 0x hex");
    }
    if (negative && !allow_negative) {
        throw UsageError("register value " + quoted(text) +
                         " is negative but the register is unsigned: expected 0..65535");
    }
    if (negative) {
        if (*magnitude > 32768) {
            throw UsageError("register value " + quoted(text) + " is out of range " + range);
        }
        return static_cast<std::uint16_t>(address_space - *magnitude);  // two's complement
    }
    if (*magnitude > 0xFFFF) {
        throw UsageError("register value " + quoted(text) + " is out of range " + range);
    }
    return static_cast<std::uint16_t>(*magnitude);
}

bool parse_coil_state(std::string_view text) {
    const auto word = lower(text);
    if (word == "on" || word == "1" || word == "true") return true;
    if (word == "off" || word == "0" || word == "false") return false;
    throw UsageError("bad coil state " + quoted(text) + ": expected on|off|1|0|true|false");
}

bool is_bit_function(int function) {
    switch (function) {
        case 1:
        case 2: return true;
        case 3:
        case 4: return false;
        default:
            throw UsageError("bad function code " + std::to_string(function) +
                             ": expected 1, 2 (bits) or 3, 4 (registers)");
    }
}

void check_read_span(int function, std::uint32_t address, std::uint32_t count) {
    const bool bits = is_bit_function(function);
    const std::uint32_t limit = bits ? max_read_bits : max_read_registers;
    if (count < 1 || count > limit) {
        throw UsageError("count " + std::to_string(count) + " is out of range 1.." +
                         std::to_string(limit) + " for FC" + std::to_string(function) +
                         (bits ? " (bits)" : " (registers)"));
    }
    if (address + count > address_space) {
        throw UsageError("address " + std::to_string(address) + " + count " +
                         std::to_string(count) + " runs past the last address 65535 (0xffff)");
    }
}

}  // namespace tristar::ctl
