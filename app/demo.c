/*
 * demo.c - `casedesk demo`: a training store filled with synthetic but realistic people and
 * cases, for learning, testing and benchmarks.  This file builds the store: it is made
 * under a name of its own, filled in batches in bulk mode, and renamed to the name asked
 * for only when complete.  The people are app/demo_people.c's, their cases
 * app/demo_cases.c's; the dice app/demo_dice.c's.
 *
 * Demo rows carry no audit or outbox entries (store_set_bulk): nobody saw or changed these
 * people, and there is nothing to send to the national tier.
 */
#define _GNU_SOURCE     /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base/caldate.h"
#include "model/base/json.h"
#include "model/base/number.h"
#include "model/store/audit.h"
#include "model/store/cases.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/outfile.h"
#include "model/store/office.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "app/cli.h"
#include "app/demo_cases.h"
#include "app/demo_dice.h"
#include "app/demo_people.h"

/* The seal keys beside a store (model/store/audit.c); its -wal and -shm are store.c's to name. */
static const char *const seal_keys[] = { ".seal.key", ".seal-escrow.key" };
#define N_SEAL_KEYS (sizeof seal_keys / sizeof seal_keys[0])

/* A demo given up: its part file, the WAL beside it, and the seal keys it made for it. */
static void remove_store_files(const char *path)
{
	char side[4300];
	store_remove_files(path);
	for (size_t i = 0; i < N_SEAL_KEYS; i++) {
		snprintf(side, sizeof side, "%s%s", path, seal_keys[i]);
		unlink(side);
	}
}

/* Gives `from` the name `to` unless a file already has it (RENAME_NOREPLACE, or link and
 * unlink where the file system lacks it); errno set on failure. */
static int rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if ((errno != EINVAL && errno != ENOSYS) || link(from, to) != 0)
		return -1;
	unlink(from);
	return 0;
}

/*
 * The demo is complete in `building`: fold the WAL into the file, close it and give it and
 * its seal keys the target's name - without replacing a file that appeared there meanwhile.
 * The keys follow the store first: a store found under the target's name has its keys.
 */
static int finish_store(struct cli *c, const char *building, const char *target)
{
	int rc = store_checkpoint(c->store, &c->err);
	store_close(c->store);
	c->store = NULL;
	if (rc)
		return rc;
	for (size_t i = 0; i < N_SEAL_KEYS; i++) {
		char from[4300], to[4300];
		snprintf(from, sizeof from, "%s%s", building, seal_keys[i]);
		snprintf(to, sizeof to, "%s%s", target, seal_keys[i]);
		if (rename_noreplace(from, to) != 0)
			return cd_error_set(&c->err, errno == EEXIST ? CD_EUSAGE : CD_ESTORE,
					    _("cannot give the finished demo store's key the name %s: %s"), to,
					    strerror(errno));
	}
	if (rename_noreplace(building, target) != 0)
		return cd_error_set(&c->err, errno == EEXIST ? CD_EUSAGE : CD_ESTORE,
				    _("cannot give the finished demo store the name %s: %s"), target,
				    strerror(errno));
	store_remove_files(building);   /* its -wal and -shm; the file itself has the target's name now */
	c->store_path = target;
	return CD_OK;
}

int cmd_demo(struct cli *c)
{
	const char *persons_s = cli_take(c, "--persons"), *seed_s = cli_take(c, "--seed");
	const char *office = cli_take(c, "--office");
	const char *dup_s = cli_take(c, "--seed-duplicates");
	unsigned truth_flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;   /* replace STORE.duplicates.tsv */
	struct outfile truth_file = OUTFILE_INIT;
	long persons, dup_percent, n_dups = 0;
	FILE *truth = NULL;
	char truth_path[4200] = "", building[4200] = "", escrow[4300] = "";
	const char *target = NULL;
	struct demo d = { 0 };
	struct timespec t0, t1;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "demo --persons N [--seed S] [--office CODE] [--seed-duplicates PERCENT [--force]]")))
		return rc;
	if (!persons_s || cd_parse_long(persons_s, "--persons", 1, 20000000, &persons, NULL))
		return cd_error_set(&c->err, CD_EUSAGE, _("--persons: give a number from 1 to 20000000"));
	dup_percent = 0;
	if (dup_s && cd_parse_long(dup_s, "--seed-duplicates", 0, 50, &dup_percent, NULL))
		return cd_error_set(&c->err, CD_EUSAGE, _("--seed-duplicates: give a percentage from 0 to 50"));
	long seed = 0;
	if (seed_s && (rc = cd_parse_long(seed_s, "--seed", 0, LONG_MAX, &seed, &c->err)))
		return rc;
	/* The duplicates count inside N: N - n_dups originals, then n_dups second registrations. */
	n_dups = persons * dup_percent / 100;
	demo_seed(seed_s ? (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1 : 0x2545f4914f6cdd1dull);
	if (!c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE, _("which file? give --store FILE or set CASEDESK_STORE"));
	/* Built under a name of its own beside the target and renamed only when complete: a demo
	 * killed half-way leaves no half store under the real name (issue 11). */
	target = c->store_path;
	if (access(target, F_OK) == 0)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("%s already exists; casedesk never overwrites a store. "
				      "Choose another file or remove this one yourself"), target);
	/* Said now, not after the build: a store's seal keys are never replaced either. */
	for (size_t i = 0; i < N_SEAL_KEYS; i++) {
		char key[4300];
		snprintf(key, sizeof key, "%s%s", target, seal_keys[i]);
		if (access(key, F_OK) == 0)
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("%s already exists, the seal key of an earlier store of that name; casedesk "
					      "never replaces one. Choose another file, or remove it if that store is gone"),
					    key);
	}
	if (n_dups > 0) {
		/* Said before the store is made: the truth file is never replaced without --force. */
		snprintf(truth_path, sizeof truth_path, "%s.duplicates.tsv", target);
		if ((rc = outfile_check(truth_path, truth_flags, &c->err)))
			return rc;
	}
	snprintf(building, sizeof building, "%s.demo-%ld.part", target, (long)getpid());
	c->store_path = building;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Millions of short-lived rows: keep freed memory instead of trimming the heap each time. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	if ((rc = demo_load_names(&c->err)))
		goto out;
	struct cd_store_create_opts opts = { .office = office ? office : "TBS", .training = 1 };
	/* The seal keys first: installing the workflows already writes audit rows. */
	if ((rc = store_create(c->store_path, &opts, &c->err)) || (rc = cli_open_store(c)) ||
	    (rc = audit_keys_create(c->store, escrow, sizeof escrow, &c->err)) || (rc = cli_install_shipped(c)) ||
	    (rc = cli_load_workflows(c)))
		goto out;
	d.s = c->store;
	d.reg = c->reg;
	d.persons = persons;
	persons -= n_dups;
	d.today = store_today(c->store);
	static const char *const names[] = { "clerk", "caseworker", "supervisor", "admin" };
	for (int i = 0; i < 4; i++)
		if ((rc = user_resolve(c->store, names[i], &d.users[i], &c->err)))
			goto out;
	if ((rc = store_set_bulk(c->store, 1, &c->err)))
		goto out;
	/* A real office has set where its refusals may be appealed and which employment service
	 * its work permits consult, or those letters are refused; set as its admin would (in bulk
	 * mode: no audit rows or ops, as for the rest of the demo's history). */
	static const char *const office_settings[][2] = {
		{ "appeal_court", "Tbilisi City Court" },
		{ "appeal_court_address", "Agmashenebeli Alley 64, 0102 Tbilisi" },
		{ "appeal_limit", "30d" },
		{ "employment_service", "State Employment Support Agency" },
		{ "employment_service_address", "Tamarashvili Street 15, 0162 Tbilisi" },
	};
	for (size_t k = 0; k < sizeof office_settings / sizeof office_settings[0]; k++)
		if ((rc = office_set(c->store, &d.users[3], office_settings[k][0], office_settings[k][1], &c->err)))
			goto out;
	if ((rc = store_begin(c->store, &c->err)))
		goto out;
	long committed_at = 0;
	for (long i = 0; i < persons;) {
		struct nation *nat = demo_draw_nation();
		char head[32], partner[32], child[32], wfid[32];
		char sex = demo_chance(1) ? 'X' : demo_chance(58) ? 'M' : 'F';
		int household = demo_chance(25) && i + 2 < persons;
		long opened = d.today - (long)demo_rnd_below(420);
		size_t si = demo_rnd_below((unsigned)nat->surname.n);
		const struct name_pair *sur = &nat->surname.items[si];
		const struct name_pair *sur_f = nat->surname_f.n == nat->surname.n ? &nat->surname_f.items[si] : sur;

		if ((rc = demo_add_person(&d, nat, sex, sex == 'F' ? sur_f : sur, 18 + (int)demo_rnd_below(50), head, &c->err)))
			goto out_txn;
		i++;
		if (demo_chance(70)) {
			demo_draw_workflow(nat, wfid, sizeof wfid);
			if ((rc = demo_walk_case(&d, wfid, head, nat->code, opened, &c->err)))
				goto out_txn;
		}
		if (household) {
			/* A family arriving together: a partner and children with the family name. */
			char psex = sex == 'M' ? 'F' : 'M';
			if ((rc = demo_add_person(&d, nat, psex, psex == 'F' ? sur_f : sur, 18 + (int)demo_rnd_below(45), partner,
					     &c->err)) ||
			    (rc = family_link(c->store, &d.users[0], head, partner, "spouse", &c->err)))
				goto out_txn;
			i++;
			if (demo_chance(60) && (rc = demo_walk_case(&d, strstr(nat->workflows, "asylum") ? "asylum" : "residence",
							  partner, nat->code, opened, &c->err)))
				goto out_txn;
			for (int k = (int)demo_rnd_below(4); k > 0 && i < persons; k--, i++) {
				char csex = demo_chance(50) ? 'M' : 'F';
				if ((rc = demo_add_person(&d, nat, csex, csex == 'F' ? sur_f : sur, (int)demo_rnd_below(17), child,
						     &c->err)) ||
				    (rc = family_link(c->store, &d.users[0], head, child, "child", &c->err)))
					goto out_txn;
			}
		}
		if (i - committed_at >= DEMO_BATCH || i >= persons) {
			committed_at = i;
			if ((rc = store_commit(c->store, &c->err)))
				goto out;
			if (persons >= 20000 && isatty(2))
				fprintf(stderr, "\r%s %ld/%ld", _("demo: people"), i, persons);
			if (i < persons && (rc = store_begin(c->store, &c->err)))
				goto out;
		}
	}
	if (n_dups > 0) {
		if ((rc = outfile_open(&truth_file, truth_path, truth_flags, &c->err)))
			goto out;
		if (!(truth = outfile_stream(&truth_file, &c->err))) {
			rc = c->err.code;
			goto out;
		}
		fprintf(truth, "# seeded duplicates of %s: original_number\tduplicate_number\tkind\n", target);
		if ((rc = demo_add_duplicates(&d, persons, n_dups, truth, &c->err)))
			goto out;
		truth = NULL;
		if ((rc = outfile_close(&truth_file, &c->err)))
			goto out;
		persons += n_dups;
	}
	if ((rc = store_begin(c->store, &c->err)))
		goto out;
	if ((rc = demo_cover_every_state(&d, c))) {
		store_rollback(c->store);
		goto out;
	}
	if ((rc = store_commit(c->store, &c->err)))
		goto out;
	if (c->store && persons >= 20000 && isatty(2))
		fprintf(stderr, "\n%s\n", _("demo: building the search index"));
	/* The synthetic history is sealed as it stands, so the demo store verifies clean. */
	if ((rc = store_set_bulk(c->store, 0, &c->err)) || (rc = audit_seal_now(c->store, &c->err)) ||
	    (rc = finish_store(c, building, target)))
		goto out;
	snprintf(escrow, sizeof escrow, "%s.seal-escrow.key", target);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (c->json) {
			struct cd_buf b = CD_BUF_INIT;
			struct json_writer w;
			json_init(&w, &b);
			json_object(&w);
			json_kv_string(&w, "store", c->store_path);
			json_kv_int(&w, "persons", persons);
			json_kv_int(&w, "cases", d.cases);
			json_kv_int(&w, "steps", d.steps);
			json_key(&w, "seconds");
			json_fixed(&w, secs, 1);
			json_kv_string(&w, "escrow", escrow);
			json_object_end(&w);
			rc = cli_json_print(c, &w);
			buf_release(&b);
		} else {
			/* One count a phrase: each takes its own plural. */
			printf(_("demo store %s: "), c->store_path);
			printf(ngettext("%ld person", "%ld people", (unsigned long)persons), persons);
			fputs(", ", stdout);
			printf(ngettext("%lld case", "%lld cases", (unsigned long)d.cases), (long long)d.cases);
			fputs(", ", stdout);
			printf(ngettext("%lld workflow step", "%lld workflow steps", (unsigned long)d.steps), (long long)d.steps);
			printf(_(" in %.1f s\n"), secs);
			cli_escrow_notice(escrow);
		}
	}
	goto out;
out_txn:
	store_rollback(c->store);
out:
	demo_pools_free();
	outfile_abandon(&truth_file);   /* after a failure: closes and removes the half-written file */
	if (rc != CD_OK && *building) {
		/* A half-filled demo is worth nothing and would mislead: remove it. */
		store_close(c->store);
		c->store = NULL;
		remove_store_files(building);
	}
	if (target)
		c->store_path = target;
	return rc;
}
