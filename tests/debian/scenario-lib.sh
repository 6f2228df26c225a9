# Sourced by every tests/debian/*.debtest scenario inside the guest (run-
# debtest ships it beside the scenario).  $name is the scenario's name.

fail() {
	echo "KL-RESULT FAIL $*"
	systemctl poweroff
	exit 1
}

pass() {
	echo "KL-RESULT PASS $name"
	systemctl poweroff
	exit 0
}

# Swap Debian's kexec-tools for the kexec-live package beside the
# scenario, as a user would (the guest has no network: everything needed
# is installed or here), and check that the swap is complete.
install_kexec_live() {
	dpkg-query -W -f '${Status}\n' kexec-tools | grep -q '^install ok installed' ||
		fail "kexec-tools was not installed before the swap"
	was_active=$(systemctl is-active kexec-load.service)
	# an absolute path: apt-get takes ./x.deb only from the current
	# directory, and says "Pathname not absolute" for other forms
	apt-get install -y -q "$PWD"/kexec-live_*.deb >apt.log 2>&1 ||
		{ tail -n 20 apt.log; fail "apt-get install ./kexec-live_*.deb failed"; }
	cat apt.log
	st=$(dpkg-query -W -f '${Status}' kexec-tools 2>/dev/null)
	case $st in *installed*) [ "$st" = "deinstall ok config-files" ] || fail "kexec-tools is still installed ($st)" ;; esac
	dpkg-query -W -f '${Status}\n' kdump-tools | grep -q 'ok installed$' || fail "kdump-tools was removed"
	/sbin/kexec --version | grep -q '^kexec-live' || fail "/sbin/kexec is not kexec-live's"
	[ -x /etc/init.d/kexec-load ] && [ -x /etc/init.d/kexec ] || fail "the init scripts are not executable"
	# its stop is what loads the kernel at a reboot
	[ "$(systemctl is-active kexec-load.service)" = "$was_active" ] ||
		fail "kexec-load.service was $was_active before the swap, is $(systemctl is-active kexec-load.service) after"
	echo "KL-STEP installed: $(/sbin/kexec --version)"
}

# expect_lines FILE N: FILE has exactly N lines (printed either way).
expect_lines() {
	sed 's/^/    /' "$1"
	[ "$(grep -c . "$1")" = "$2" ] || fail "$1: $(grep -c . "$1") lines, want $2"
}

loaded() { [ "$(cat /sys/kernel/kexec_loaded)" = 1 ]; }

# set_default KEY VALUE: KEY="VALUE" in /etc/default/kexec.
set_default() {
	sed -i "/^[[:space:]]*$1=/d" /etc/default/kexec
	printf '%s="%s"\n' "$1" "$2" >>/etc/default/kexec
}

# The running command line without what an earlier boot of the scenario
# added (kl.via=...), then kl.via=$1: a kernel booted with it came from
# the kexec-load script's load, not from the firmware, whose command line
# is QEMU's -append.
tagged_cmdline() {
	echo "$(sed 's/ kl\.via=[^ ]*//g' /proc/cmdline) kl.via=$1"
}

# How this boot came up: "kexec" when the command line has kl.via=$1.
came_by() {
	if grep -q " kl\.via=$1\( \|$\)" /proc/cmdline; then echo kexec; else echo firmware; fi
}

# The previous boot's kexec-load messages (the journal is persistent from
# boot 1 on: see keep_journal).
last_kexec_load_log() {
	journalctl -q -b -1 -u kexec-load.service -o cat 2>&1 | sed 's/^/    /'
}

keep_journal() {
	mkdir -p /var/log/journal && journalctl --flush
}
