#!/bin/sh
# Runs every unit-test binary given and prints one total line.
pass=0; fail=0; bad=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v 'passed, .* failed$' >&2
	line=$(printf '%s\n' "$out" | grep 'passed, .* failed$' | tail -1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	if [ $rc -ne 0 ]; then bad=$((bad + 1)); echo "FAIL: $t (exit $rc)" >&2; [ -z "$f" ] && fail=$((fail + 1)); fi
done
echo "unit: $pass passed, $fail failed"
[ $bad -eq 0 ]
