#!/usr/bin/env bats
# Every command's usage exists once: --help, the man page SYNOPSIS and the
# completions must agree, and every man page must be lint-clean.

load helper

commands() {
	for f in "$BP_BUILD"/bin/bench-*; do basename "$f"; done
}

# The usage lines of --help, without "usage:" and with spaces squeezed.
help_usage() {
	"$1" --help | sed -n '1,/^$/p' | sed -e 's/^usage: *//' -e 's/^ *//' |
		tr -s ' ' | sed '/^$/d'
}

man_synopsis() {
	mandoc -Tascii -O width=300 "$BP_SRC/share/man/man1/$1.1" | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		sed -e 's/^ *//' | tr -s ' ' | sed '/^$/d'
}

long_options() {
	"$1" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

@test "every command has a man page whose SYNOPSIS is its --help usage" {
	for c in $(commands); do
		[ -f "$BP_SRC/share/man/man1/$c.1" ] || { echo "no man page for $c"; false; }
		diff <(help_usage "$c") <(man_synopsis "$c") || { echo "in $c"; false; }
	done
}

@test "every long option of --help is in the man page" {
	for c in $(commands); do
		for o in $(long_options "$c"); do
			grep -q -- "^\.It Fl $o\|Fl $o\b\|Fl -${o#--}" "$BP_SRC/share/man/man1/$c.1" ||
				{ echo "$c: $o missing from the man page"; false; }
		done
	done
}

@test "every long option of --help is in the bash, zsh and fish completions" {
	for c in $(commands); do
		for f in "completions/bash/$c" "completions/zsh/_$c" "completions/fish/$c.fish"; do
			[ -f "$BP_SRC/$f" ] || { echo "missing $f"; false; }
		done
		for o in $(long_options "$c"); do
			grep -q -- "$o\b" "$BP_SRC/completions/bash/$c" ||
				{ echo "bash $c: $o"; false; }
			grep -q -- "$o\b\|{[^}]*$o" "$BP_SRC/completions/zsh/_$c" ||
				{ echo "zsh $c: $o"; false; }
			grep -q -- "-l ${o#--}\b" "$BP_SRC/completions/fish/$c.fish" ||
				{ echo "fish $c: $o"; false; }
		done
	done
}

@test "the bash completions load and complete options" {
	for c in $(commands); do
		run -0 bash -c "source '$BP_SRC/completions/bash/$c'
			COMP_WORDS=($c --he); COMP_CWORD=1
			\$(complete -p $c | sed 's/.*-F \([^ ]*\) .*/\1/')
			printf '%s\n' \"\${COMPREPLY[@]}\""
		[[ "$output" == *--help* ]] || { echo "$c: $output"; false; }
	done
}

@test "the zsh completions parse" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	for c in $(commands); do
		zsh -n "$BP_SRC/completions/zsh/_$c"
	done
}

@test "the fish completions load" {
	command -v fish >/dev/null || skip "fish is not installed"
	for c in $(commands); do
		fish -n "$BP_SRC/completions/fish/$c.fish"
		fish -c "source '$BP_SRC/completions/fish/$c.fish'; complete -C '$c --he'" | grep -q -- --help
	done
}

@test "every man page is mandoc -Tlint clean" {
	for m in "$BP_SRC"/share/man/man*/*.[157]; do
		run -0 mandoc -Tlint -Wwarning "$m"
		[ -z "$output" ] || { echo "$output"; false; }
	done
}

@test "make install and uninstall honour DESTDIR and PREFIX" {
	cd "$BP_SRC"
	make -s BUILD="$BP_BUILD" DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/bp install >/dev/null
	r="$BATS_TEST_TMPDIR/root/opt/bp"
	for c in $(commands); do
		[ -x "$r/bin/$c" ]
		[ -f "$r/share/man/man1/$c.1" ]
		[ -f "$r/share/bash-completion/completions/$c" ]
	done
	[ -f "$r/share/man/man5/bench-records.5" ]
	"$r/bin/bench-detect" --version
	make -s BUILD="$BP_BUILD" DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/bp uninstall >/dev/null
	[ -z "$(find "$r" -type f)" ]
}
