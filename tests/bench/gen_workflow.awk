# gen_workflow.awk - writes a lint-clean workflow of N states (awk -v n=10000 -f ...):
# a chain s0 -> s1 -> ... -> s(N-1) (final), each state with a deadline and a Russian title,
# a withdrawal from every state (from = *), and a field taken by the first step.  The chain is
# the worst case for a reachability check that sweeps all transitions until nothing changes.
# Used by tests/script/t_workflow_big.sh (it loads and lints) and tests/bench/bench.sh (timed).
BEGIN {
	if (n < 3) n = 10000
	print "[workflow]"
	print "id = big"
	print "title = A long chain"
	print "title[ru] = Длинная цепочка"
	print "prefix = BG"
	print "version = 1"
	print "initial = s0"
	print ""
	print "[field.note]"
	print "type = text"
	print "label = Note"
	print "label[ru] = Заметка"
	print "required = yes"
	print ""
	for (i = 0; i < n - 1; i++) {
		printf "[state.s%d]\ntitle = Step %d\ntitle[ru] = Шаг %d\ndeadline = %dd\n\n", i, i, i, 1 + i % 90
		printf "[transition.t%d]\ntitle = Go on from %d\nfrom = s%d\nto = s%d\nrole = caseworker\n", i, i, i, i + 1
		if (i == 0) print "fields = note"
		print ""
	}
	printf "[state.s%d]\ntitle = Granted\ntitle[ru] = Выдано\nfinal = yes\noutcome = granted\n\n", n - 1
	print "[state.withdrawn]"
	print "title = Withdrawn"
	print "title[ru] = Отозвано"
	print "final = yes"
	print "outcome = withdrawn"
	print ""
	print "[transition.withdraw]"
	print "title = Withdraw"
	print "from = *"
	print "to = withdrawn"
	print "role = caseworker"
}
