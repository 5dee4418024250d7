#!/bin/sh
# Runs every unit-test binary given and prints one total line. With
# VALGRIND=1 each runs under valgrind's memcheck (make valgrind): an
# invalid access, a read of uninitialised memory or a definite leak fails
# the binary (exit 99); T_VALGRIND=1 tells the tests (t.h) to skip the
# sandbox and stretch their time bounds.
pass=0; fail=0; bad=0
vg=""
if [ "${VALGRIND:-0}" = 1 ]; then
	export T_VALGRIND=1
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
		--suppressions=$(dirname "$0")/valgrind.supp"
fi
for t in "$@"; do
	out=$($vg "$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v 'passed, .* failed$' >&2
	line=$(printf '%s\n' "$out" | grep 'passed, .* failed$' | tail -1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	if [ $rc -ne 0 ]; then bad=$((bad + 1)); echo "FAIL: $t (exit $rc)" >&2; [ -z "$f" ] && fail=$((fail + 1)); fi
done
echo "unit: $pass passed, $fail failed${vg:+ (under valgrind)}"
[ $bad -eq 0 ]
