// The GUI's switch pane: which entries exist, what the GUI may edit, and that edits persist.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "publisher/switch_pane.h"
#include "tests/support/temp_dir.h"

namespace tristar::publisher {
namespace {

bool writable(const SwitchPane& pane, const std::string& path) {
    const auto items = pane.items();
    const auto it = std::ranges::find(items, path, &ItemSpec::path);
    REQUIRE_MESSAGE(it != items.end(), path);
    return it->writable;
}

TEST_CASE(
    "switch pane: the charger always, equalize only when asked for; every setting the GUI offers "
    "is writable") {
    const SwitchPane charger_only(false);
    CHECK(charger_only.outputs() == 1);
    for (const auto& item : charger_only.items())
        CHECK_FALSE(item.path.starts_with("/SwitchableOutput/1/"));
    const SwitchPane both(true);
    CHECK(writable(both, "/SwitchableOutput/0/State"));
    CHECK(writable(both, "/SwitchableOutput/1/State"));
    for (const char* setting : {"CustomName", "Group", "ShowUIControl"}) {
        CHECK(writable(both, std::string("/SwitchableOutput/0/Settings/") + setting));
        CHECK(writable(both, std::string("/SwitchableOutput/1/Settings/") + setting));
    }
    CHECK_FALSE(writable(both, "/SwitchableOutput/0/Settings/Type"));
    CHECK_FALSE(writable(both, "/SwitchableOutput/0/Name"));
    // Every published value has an item, and the other way round.
    const auto values = both.values(false, false);
    CHECK(values.size() == both.items().size());
    for (const auto& item : both.items()) CHECK_MESSAGE(values.contains(item.path), item.path);
}

TEST_CASE("switch pane: settings are validated, shown and kept across a restart") {
    tristar::test::TempDir dir;
    const auto file = dir.path() / "switch-pane";
    SwitchPane pane(true);
    CHECK(pane.set("/SwitchableOutput/0/Settings/ShowUIControl", std::int32_t{0}) ==
          set_result::accepted);
    CHECK(pane.set("/SwitchableOutput/0/Settings/ShowUIControl", std::int32_t{3}) ==
          set_result::rejected);
    CHECK(pane.set("/SwitchableOutput/0/Settings/ShowUIControl", std::string("1")) ==
          set_result::not_writable);
    CHECK(pane.set("/SwitchableOutput/1/Settings/CustomName", std::string("Equalise bank A")) ==
          set_result::accepted);
    CHECK(pane.set("/SwitchableOutput/1/Settings/CustomName", std::string(33, 'x')) ==
          set_result::rejected);
    CHECK(pane.set("/SwitchableOutput/0/Settings/Group", std::string("Solar")) ==
          set_result::accepted);
    CHECK(pane.set("/SwitchableOutput/0/Settings/Group", std::string("a\nb")) ==
          set_result::rejected);
    CHECK(pane.set("/SwitchableOutput/0/State", std::int32_t{1}) ==
          set_result::not_writable);  // a control
    const auto values = pane.values(std::nullopt, std::nullopt);
    CHECK(std::get<std::int32_t>(values.at("/SwitchableOutput/0/Settings/ShowUIControl").value) ==
          0);
    CHECK(std::get<std::string>(values.at("/SwitchableOutput/0/Settings/Group").value) == "Solar");
    CHECK(values.at("/SwitchableOutput/0/State") == invalid_value());  // coil 2 not read yet
    REQUIRE(pane.save(file));

    SwitchPane restarted(true);
    CHECK(restarted.load(file) == 0);
    CHECK(restarted.settings(0) == pane.settings(0));
    CHECK(restarted.settings(1) == pane.settings(1));
    // Equalize no longer offered: its stored lines are ignored, not reported.
    SwitchPane charger_only(false);
    CHECK(charger_only.load(file) == 0);
    CHECK(charger_only.settings(0).group == "Solar");
}

TEST_CASE("switch pane: a damaged file keeps the defaults for what it cannot read") {
    tristar::test::TempDir dir;
    const auto file = dir.path() / "switch-pane";
    std::ofstream(file) << "0/ShowUIControl=9\n0/Group=Roof\ngarbage\n7/Group=x\n0/Unknown=1\n";
    SwitchPane pane(false);
    CHECK(pane.load(file) == 4);
    CHECK(pane.settings(0).show_ui_control == 1);
    CHECK(pane.settings(0).group == "Roof");
    CHECK(SwitchPane(false).load(dir.path() / "missing") == 0);
}

}  // namespace
}  // namespace tristar::publisher
