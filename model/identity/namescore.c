/* namescore.c - name words, their levels and why-texts, and key edits; see namescore.h. */
#include "model/identity/namescore.h"

#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/identity/translit.h"

/* How a name word matched, for the "why" of a hit: N_(), translated where it is shown. */
const char *name_level_text(enum cd_name_level l)
{
	switch (l) {
	/* TRANSLATORS: why a name matched: the same ICAO Latin spelling */
	case CD_NAME_EXACT: return N_("exact ICAO");
	/* TRANSLATORS: why a name matched: the same as written in its own script */
	case CD_NAME_WRITTEN: return N_("exact as written");
	/* TRANSLATORS: why a name matched: another spelling of it (SHEVCHENKO, SCHEWTSCHENKO) */
	case CD_NAME_VARIANT:
	case CD_NAME_VARIANT_TYPING: return N_("variant");
	/* TRANSLATORS: why a name matched: the typed letters begin the name */
	case CD_NAME_PREFIX: return N_("prefix");
	/* TRANSLATORS: why a name matched: one letter wrong, missing, extra or swapped */
	case CD_NAME_TYPO1: return N_("1 typo");
	/* TRANSLATORS: why a name matched: two letters wrong, missing, extra or swapped */
	case CD_NAME_TYPO2: return N_("2 typos");
	/* TRANSLATORS: why a name matched: the typed letters are inside the name */
	case CD_NAME_PART: return N_("part");
	case CD_NAME_NONE: break;
	}
	return N_("none");
}

/* ---- name words and their levels -------------------------------------------------- */

/* Splits s at spaces and hyphens into at most max words of at most `wsize` bytes. */
static size_t split_words(const char *s, char (*words)[128], size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		s += strspn(s, " -\t,");
		size_t len = strcspn(s, " -\t,");
		if (len == 0)
			break;
		snprintf(words[n++], 128, "%.*s", (int)(len < 127 ? len : 127), s);
		s += len;
	}
	return n;
}

/* The skeleton key of a Latin word after a guessed article (AL or EL and 4+ letters). */
static void latin_key2(const char *icao, char *key2, size_t size)
{
	key2[0] = '\0';
	if ((strncmp(icao, "AL", 2) == 0 || strncmp(icao, "EL", 2) == 0) && strlen(icao) >= 6)
		translit_skeleton(icao + 2, key2, size);
}

/*
 * The keys of an Arabic word from how it sounds (arabic_sound.tsv): the ICAO form is the
 * MRZ's (XH for ح) and shares no key with MOHAMMED.  With the article, key2 is the key of
 * the rest (MALKI for المالكي), so that MALIKI and مالكي find it.
 */
static void arabic_keys(struct cd_name_word *w, const char *raw)
{
	char sound[256];
	const char *lam;
	if (translit_icao(raw, "arabic_sound", sound, sizeof sound) < 0 || !sound[0])
		return;
	translit_skeleton(sound, w->key, sizeof w->key);
	/* The rest read as a word of its own: its first letter is the first (العمر: OMAR). */
	if (translit_arabic_bare(w->orig) != w->orig && (lam = strstr(raw, "\xd9\x84")) &&
	    translit_icao(lam + 2, "arabic_sound", sound, sizeof sound) >= 0)
		translit_skeleton(sound, w->key2, sizeof w->key2);
}

size_t name_words(const char *name, const char *latin, const char *lang_hint, int role,
		struct cd_name_word *out, size_t max)
{
	char icao[512], folded[1024];
	char iw[16][128], ow[16][128], rw[16][128];
	size_t ni, no, nr, n;

	if (!name)
		name = "";
	if (latin)
		snprintf(icao, sizeof icao, "%s", latin);
	else if (translit_icao(name, lang_hint, icao, sizeof icao) < 0 && !icao[0])
		return 0;
	translit_fold(name, folded, sizeof folded);
	ni = split_words(icao, iw, 16);
	no = split_words(folded, ow, 16);
	nr = split_words(name, rw, 16);
	n = ni < max ? ni : max;
	for (size_t i = 0; i < n; i++) {
		struct cd_name_word *w = &out[i];
		snprintf(w->icao, sizeof w->icao, "%s", iw[i]);
		translit_skeleton(w->icao, w->key, sizeof w->key);
		w->key2[0] = '\0';
		/* The written form pairs with its ICAO word only when both split alike. */
		snprintf(w->orig, sizeof w->orig, "%s", ni == no ? ow[i] : "");
		w->role = role;
		w->alias = 0;
		w->arabic = ni == no && nr == no && translit_is_arabic(rw[i]);
		if (w->arabic)
			arabic_keys(w, rw[i]);
		else if (!latin)
			/* Typed (or derived) Latin: AL or EL may be an article.  A stored Latin
			 * form keeps one key: ALBERTO is not an article and BERTO. */
			latin_key2(w->icao, w->key2, sizeof w->key2);
	}
	return n;
}

int name_is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int name_is_article(const struct cd_name_word *q)
{
	return strcmp(q->icao, "AL") == 0 || strcmp(q->icao, "EL") == 0;
}

int name_has_article(const struct cd_name_word *w)
{
	return w->key2[0] || ((strncmp(w->icao, "AL", 2) == 0 || strncmp(w->icao, "EL", 2) == 0) &&
			      strlen(w->icao) >= 6);
}

/* Whether two non-empty keys are one. */
static int same_key(const char *a, const char *b)
{
	return a[0] && strcmp(a, b) == 0;
}

enum cd_name_level name_level(const struct cd_name_word *q, const struct cd_name_word *w)
{
	size_t lq = strlen(q->icao), lo = strlen(q->orig);
	int written = lo > 0 && !name_is_ascii(q->orig);

	if (lq && strcmp(q->icao, w->icao) == 0)
		return CD_NAME_EXACT;
	if (written && strcmp(q->orig, w->orig) == 0)
		return CD_NAME_WRITTEN;
	/* With or without the Arabic article, as written: مالكي is المالكي. */
	if (written && w->orig[0] && strcmp(translit_arabic_bare(q->orig), translit_arabic_bare(w->orig)) == 0)
		return CD_NAME_WRITTEN;
	if (same_key(q->key, w->key))
		return CD_NAME_VARIANT;
	/* MALIKI for المالكي (the stored word's article is sure), ALMALIKI for مالكي. */
	if (same_key(q->key, w->key2) || same_key(q->key2, w->key2) || (q->arabic && same_key(q->key2, w->key)))
		return CD_NAME_VARIANT;
	/* ELMALIKI for MALIKI: the typed AL or EL may be no article (ALBERTO, BERT). */
	if (same_key(q->key2, w->key))
		return CD_NAME_TYPO1;
	if ((lq >= 3 && strncmp(w->icao, q->icao, lq) == 0) ||
	    (written && lo >= 6 && strncmp(w->orig, q->orig, lo) == 0))
		return CD_NAME_PREFIX;
	if (lq >= 4) {
		int d = translit_distance(q->icao, w->icao, 2);
		if (d == 1)
			return CD_NAME_TYPO1;
		if (strlen(q->key) >= 4 && translit_distance(q->key, w->key, 1) == 1)
			return CD_NAME_TYPO1;
		if (d == 2 && lq >= 6)
			return CD_NAME_TYPO2;
	}
	if ((lq >= 3 && strstr(w->icao, q->icao)) || (written && lo >= 6 && strstr(w->orig, q->orig)))
		return CD_NAME_PART;
	return CD_NAME_NONE;
}

/* Appends `"KEY"` to b as one more OR term unless shorter than min_len, longer than 32 or already there. */
void name_key_or(struct cd_buf *b, const char *key, size_t min_len, int *terms)
{
	char t[40];
	if (strlen(key) < min_len || strlen(key) > 32)
		return;
	snprintf(t, sizeof t, "\"%s\"", key);
	if (strstr(buf_str(b), t))
		return;
	buf_printf(b, "%s%s", (*terms)++ ? " OR " : "", t);
}

void name_key_edits(struct cd_buf *b, const char *key, unsigned edits, size_t min_len, int *terms)
{
	/* The letters a skeleton key is made of (translit_skeleton): consonant classes, and A
	 * for a first vowel. */
	static const char cls[] = "ABCDFHKLMNPRSTV";
	size_t len = strlen(key);
	char t[40];

	if (len > 30)
		return;
	name_key_or(b, key, min_len, terms);
	for (size_t p = 0; p <= len; p++) {
		const char *letters = p ? cls + 1 : cls;
		if ((edits & KEY_DROP) && p < len) {
			snprintf(t, sizeof t, "%.*s%s", (int)p, key, key + p + 1);
			name_key_or(b, t, min_len, terms);
		}
		if ((edits & KEY_SWAP) && p + 1 < len) {
			snprintf(t, sizeof t, "%.*s%c%c%s", (int)p, key, key[p + 1], key[p], key + p + 2);
			name_key_or(b, t, min_len, terms);
		}
		for (const char *c = letters; (edits & KEY_CHANGE) && p < len && *c; c++)
			if (*c != key[p]) {
				snprintf(t, sizeof t, "%.*s%c%s", (int)p, key, *c, key + p + 1);
				name_key_or(b, t, min_len, terms);
			}
		for (const char *c = letters; (edits & KEY_ADD) && *c; c++) {
			snprintf(t, sizeof t, "%.*s%c%s", (int)p, key, *c, key + p);
			name_key_or(b, t, min_len, terms);
		}
	}
}
