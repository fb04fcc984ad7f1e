#include "gateway/ctl/commands.h"

#include <chrono>

#include "gateway/ctl/addresses.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/names.h"
#include "gateway/ctl/output.h"
#include "gateway/ctl/read_plan.h"
#include "gateway/ctl/readings.h"
#include "gateway/ctl/register_list.h"
#include "gateway/ctl/status_json.h"
#include "gateway/ctl/status_view.h"

namespace tristar::ctl {
namespace {

bool is_signed(Format format) {
    return format == Format::s16 || format == Format::temperature;
}

std::uint64_t now_unix_ms() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// Every span of `get`, one request each; the replies fill the images.
void fetch_registers(client::GatewayClient& gateway, const std::vector<ReadSpan>& spans,
                     std::uint32_t max_age_ms, RegisterImage& image) {
    for (const auto& span : spans) {
        auto answer = take(gateway.read_registers(4, span.address, span.count, max_age_ms));
        image.add(span.address, answer.values);
    }
}

void fetch_bits(client::GatewayClient& gateway, const std::vector<ReadSpan>& spans,
                std::uint32_t max_age_ms, BitImage& bits) {
    for (const auto& span : spans) {
        auto answer = take(gateway.read_bits(1, span.address, span.count, max_age_ms));
        for (std::size_t i = 0; i < answer.values.size(); ++i) {
            bits[static_cast<std::uint16_t>(span.address + i)] = answer.values[i];
        }
    }
}

// A write whose reply did not come may still run (or have run) on the device: say so.
void take_write(client::Result<client::Done> result) {
    if (result) return;
    auto failure = result.failure();
    if (failure.no_reply) failure.message += "; the write may still have been carried out";
    throw GatewayError(std::move(failure));
}

}  // namespace

void run_read(Session& session, const ReadArgs& args, std::ostream& out) {
    const auto target = resolve_read(args.target, args.function);
    const auto count = args.count ? parse_count(*args.count, "count") : target.default_count;
    const auto max_age = parse_count(args.max_age, "--max-age");
    check_read_span(target.function, target.address, count);
    auto& gateway = session.client();
    const auto n = static_cast<std::uint16_t>(count);
    const bool json = session.settings().json;
    if (is_bit_function(target.function)) {
        const auto answer = take(gateway.read_bits(target.function, target.address, n, max_age));
        out << (json ? bits_json(target.function, target.address, answer)
                     : bits_text(target.function, target.address, answer.values));
        return;
    }
    const auto answer = take(gateway.read_registers(target.function, target.address, n, max_age));
    out << (json ? registers_json(target.function, target.address, answer)
                 : registers_text(target.address, answer.values));
}

void run_write_coil(Session& session, const WriteArgs& args, std::ostream& out) {
    const auto target = resolve_coil(args.target);
    const bool value = parse_coil_state(args.value);
    take_write(session.client().write_coil(target.address, value));
    out << (session.settings().json ? ok_json() : ok_text());
}

void run_write_register(Session& session, const WriteArgs& args, std::ostream& out) {
    const auto target = resolve_register(args.target);
    if (target.reg != nullptr && target.reg->words != 1) {
        throw UsageError("register '" + std::string(target.reg->name) + "' spans " +
                         std::to_string(target.reg->words) +
                         " words; 'write register' writes one word (FC06)");
    }
    // Unknown addresses may hold anything, so they take negative values too.
    const bool allow_negative = target.reg == nullptr || is_signed(target.reg->format);
    const auto value = parse_register_value(args.value, allow_negative);
    take_write(session.client().write_register(target.address, value));
    out << (session.settings().json ? ok_json() : ok_text());
}

void run_get(Session& session, const GetArgs& args, std::ostream& out) {
    if (args.names.empty()) throw UsageError("get: name at least one register or coil");
    const auto wanted = resolve_wanted(args.names);
    const auto max_age = parse_count(args.max_age, "--max-age");
    const auto register_spans = plan_register_reads(ranges_for(wanted.registers()));
    const auto bit_spans = plan_bit_reads(wanted.coil_addresses());
    RegisterImage image;
    BitImage bits;
    fetch_registers(session.client(), register_spans, max_age, image);
    fetch_bits(session.client(), bit_spans, max_age, bits);
    const auto readings = readings_of(wanted, image, bits);
    out << (session.settings().json ? readings_json(readings) : readings_text(readings));
}

void run_registers(const Settings& settings, std::ostream& out) {
    out << (settings.json ? register_list_json() : register_list_text());
}

void run_status(Session& session, std::ostream& out) {
    const auto status = take(session.client().status());
    const auto& settings = session.settings();
    out << (settings.json ? status_json(status)
                          : status_text(status, now_unix_ms(), settings.device));
}

}  // namespace tristar::ctl
