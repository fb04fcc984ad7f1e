# shellcheck shell=sh
# The gateway's devices, shared by the two installers: the --device options (a bare URI, or
# NAME=URI and NAME:UNIT=URI repeated for several TriStars) and the writers of the gateway's
# config (set_string, set_device, set_devices), and the --help entry of the named form.
#
# Sourced by deploy/systemd/install.sh (from deploy/shared/) and by deploy/venus/install.sh (from
# next to itself in the armhf tarball, where deploy/cross/build-tarball.sh copies it, or from
# deploy/shared/ in a checkout). A library for /bin/sh (dash, bash, busybox ash): it defines
# functions and sets NL, NAMED, NAMED_COUNT, NAMED_TEXT and BARE to their initial values, and
# runs nothing else when it is sourced. add_device and add_named_device call usage_error
# MESSAGE... (print it, exit 2), which each installer defines before sourcing this file;
# add_device sets the installer's DEVICE.

# named_devices_help COLUMN: the --help entry of --device NAME=URI, its text indented to COLUMN.
named_devices_help() {
    help_pad=
    while [ "${#help_pad}" -lt "$1" ]; do help_pad="$help_pad "; done
    echo "  --device NAME=URI, --device NAME:UNIT=URI"
    while IFS= read -r help_line; do echo "$help_pad$help_line"; done <<'EOF'
one of several TriStars, repeated for each: NAME is 1..32 characters of
A-Z a-z 0-9 _ -, UNIT its Modbus unit id 1..247 (without it, [device]'s
unit: 1 unless set there); devices on one RS-485 line need different ones:
--device roof-1:1=rtu:///dev/ttyUSB0 --device roof-2:2=rtu:///dev/ttyUSB0
Writes one [[devices]] entry each, in this order, in place of those the
config had, and removes uri and name from [device] (its other keys stay,
the defaults of every entry). On a first install or an update.
EOF
}

# --device: a bare URI is the single device ([device] uri); NAME=URI or NAME:UNIT=URI, repeated,
# are several ([[devices]], docs/operations.md "Several devices"), kept in NAMED as lines
# "NAME UNIT URI" (UNIT 0 when not given; neither a name nor a uri holds a blank).
NL='
'
NAMED=
NAMED_COUNT=0
NAMED_TEXT=
BARE=no
add_device() {  # add_device ARG: one --device
    case "$1" in
        tcp://*|rtu://*) ;;
        *=*) add_named_device "$1"; return ;;
    esac
    [ -z "$NAMED" ] ||
        usage_error "--device '$1': a bare URI cannot be mixed with named devices (NAME=URI): name every one"
    [ "$BARE" = no ] ||
        usage_error "--device '$1': --device URI is for one TriStar; for several name each one: --device NAME=URI"
    BARE=yes
    # shellcheck disable=SC2034 # the installer's
    DEVICE=$1
}
add_named_device() {  # add_named_device NAME[:UNIT]=URI
    [ "$BARE" = no ] ||
        usage_error "--device '$1': named devices cannot be mixed with a bare --device URI: name every one"
    dev_spec=${1%%=*}
    dev_uri=${1#*=}
    dev_name=${dev_spec%%:*}
    dev_unit=0
    dev_bad_name="--device '$1': a device name is 1 to 32 characters of A-Z, a-z, 0-9, _ and -, not '$dev_name'"
    case "$dev_name" in
        ''|*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-]*) usage_error "$dev_bad_name" ;;
    esac
    [ "${#dev_name}" -le 32 ] || usage_error "$dev_bad_name"
    case "$dev_spec" in
        *:*)
            dev_unit=${dev_spec#*:}
            case "$dev_unit" in
                ''|*[!0123456789]*) dev_unit=bad ;;
                *) while :; do case "$dev_unit" in 0?*) dev_unit=${dev_unit#0} ;; *) break ;; esac; done ;;
            esac
            if [ "$dev_unit" = bad ] || [ "${#dev_unit}" -gt 3 ] ||
                [ "$dev_unit" -lt 1 ] || [ "$dev_unit" -gt 247 ]; then
                usage_error "--device '$1': the unit id must be a number from 1 to 247, not '${dev_spec#*:}'"
            fi
            ;;
    esac
    case "$dev_uri" in
        tcp://?*|rtu:///?*) ;;
        *) usage_error "--device '$1': the URI must be tcp://HOST[:PORT] or rtu:///dev/TTY[?SETTINGS]," \
               "not '$dev_uri'" ;;
    esac
    case "$dev_uri" in
        *[\"\\\ \	]*|*"$NL"*) usage_error "--device '$1': the URI must not contain quotes, backslashes or blanks" ;;
    esac
    dev_link=$(link_of "$dev_uri")
    while read -r other_name other_unit other_uri; do
        [ -n "$other_name" ] || continue
        [ "$other_name" != "$dev_name" ] || usage_error "--device '$1': the name '$dev_name' is given twice"
        # a unit left out is [device]'s (1 unless set there): only two alike are known to clash
        if [ "$other_unit" = "$dev_unit" ] && [ "$(link_of "$other_uri")" = "$dev_link" ]; then
            usage_error "--device '$1': '$other_name' and '$dev_name' share $dev_link and its unit id:" \
                "give each its own with --device NAME:UNIT=URI"
        fi
    done <<EOF
$NAMED
EOF
    [ "$NAMED_COUNT" -lt 16 ] || usage_error "--device '$1': at most 16 devices"
    NAMED="$NAMED$dev_name $dev_unit $dev_uri$NL"
    NAMED_COUNT=$((NAMED_COUNT + 1))
    dev_text="$dev_name $dev_uri"
    [ "$dev_unit" = 0 ] || dev_text="$dev_text unit $dev_unit"
    NAMED_TEXT=${NAMED_TEXT:+$NAMED_TEXT, }$dev_text
}
link_of() {  # link_of URI: the wire the gateway puts a device on (the serial line, or HOST:PORT)
    case "$1" in
        rtu://*) echo "${1%%\?*}" ;;
        *\]) echo "$1:502" ;;
        tcp://\[*|*:*:*) echo "$1" ;;
        *) echo "$1:502" ;;
    esac
}

# The configs (set_string also writes the bridge's and the publisher's).
set_string() {  # set_string FILE SECTION KEY VALUE: replaces (or adds) KEY = "VALUE" in [SECTION]
    TRISTAR_SECTION=$2 TRISTAR_KEY=$3 TRISTAR_VALUE=$4 awk '
        BEGIN {
            want = ENVIRON["TRISTAR_SECTION"]; key = ENVIRON["TRISTAR_KEY"]
            line = key " = \"" ENVIRON["TRISTAR_VALUE"] "\""
        }
        /^[ \t]*\[/ {
            if (section == want && !done) { print line; done = 1 }
            section = $0; gsub(/[][ \t]/, "", section)
        }
        section == want && !done && $0 ~ "^[ \t]*" key "[ \t]*=" { print line; done = 1; next }
        { print }
        END {
            if (!done && section == want) { print line; done = 1 }
            if (!done) { print ""; print "[" want "]"; print line }
        }' "$1" > "$1.new.$$"
    cat "$1.new.$$" > "$1"   # keeps the file's mode and owner
    rm -f "$1.new.$$"
}
set_device() { set_string "$1" device uri "$2"; }  # set_device FILE URI
# set_devices FILE: the devices of NAMED become the config's [[devices]], in their order: every
# [[devices]] table it had goes (up to the next table; the comments just before that one stay),
# [device] loses uri and name (its other keys are the defaults of every entry), and one table
# per device is added at the end, with a unit only when one was given.
set_devices() {
    TRISTAR_DEVICES=$NAMED awk '
        function table(line,   s) {  # "[name]" or "[[name]]" when line opens a table, else ""
            s = line
            sub(/^[ \t]+/, "", s)
            if (!match(s, /^\[\[[ \t]*[A-Za-z0-9_.-]+[ \t]*\]\]/) && !match(s, /^\[[ \t]*[A-Za-z0-9_.-]+[ \t]*\]/))
                return ""
            s = substr(s, 1, RLENGTH)
            gsub(/[ \t]/, "", s)
            return s
        }
        function keep(line) { out[++n] = line }
        function blank(line) { return line ~ /^[ \t]*$/ }
        {
            t = table($0)
            if (t != "") {
                if (dropping && t != "[[devices]]")
                    for (i = 1; i <= held; i++)
                        if (!blank(held_line[i]) || (n > 0 && !blank(out[n]))) keep(held_line[i])
                held = 0
                section = t
                dropping = (t == "[[devices]]")
                if (!dropping) keep($0)
                next
            }
            if (dropping) {
                if ($0 ~ /^[ \t]*(#.*)?$/) held_line[++held] = $0
                else held = 0
                next
            }
            if (section == "[device]" && $0 ~ /^[ \t]*(uri|name)[ \t]*=/) next
            keep($0)
        }
        END {
            while (n > 0 && blank(out[n])) n--
            for (i = 1; i <= n; i++) print out[i]
            count = split(ENVIRON["TRISTAR_DEVICES"], devices, "\n")
            for (i = 1; i <= count; i++) {
                if (split(devices[i], field, " ") != 3) continue
                if (n > 0 || i > 1) print ""
                print "[[devices]]"
                print "name = \"" field[1] "\""
                print "uri = \"" field[3] "\""
                if (field[2] != "0") print "unit = " field[2]
            }
        }' "$1" > "$1.new.$$"
    cat "$1.new.$$" > "$1"
    rm -f "$1.new.$$"
}
