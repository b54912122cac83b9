/*
 * wf_dot.c - drawing a workflow for Graphviz (`casedesk workflow dot ID`): states as
 * nodes, transitions as labelled edges.  Apart from loading and rules because it only
 * reads a loaded workflow and writes text; nothing else depends on it.
 */
#include "workflow/workflow.h"

#include <stdio.h>

#include "model/store/roles.h"

static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

void wf_write_dot(const struct workflow *wf, FILE *out)
{
	char dur[32], label[512];

	fprintf(out, "digraph ");
	dot_string(out, wf->id);
	fprintf(out, " {\n\trankdir=LR;\n\tlabel=");
	snprintf(label, sizeof label, "%s (%s, version %d)", wf->title ? wf->title : "",
		 wf->id ? wf->id : "", wf->version);
	dot_string(out, label);
	fprintf(out, ";\n\tnode [shape=box, style=rounded];\n");
	fprintf(out, "\t\"__start\" [shape=point, label=\"\"];\n");
	for (size_t i = 0; i < wf->n_states; i++) {
		const struct wf_state *s = &wf->states[i];
		wf_duration_format(s->deadline, dur, sizeof dur);
		if (s->final)
			snprintf(label, sizeof label, "%s\n[%s]", s->title, s->outcome ? s->outcome : "");
		else if (s->clock_stops)
			snprintf(label, sizeof label, "%s\n(clock stops)", s->title);
		else if (dur[0])
			snprintf(label, sizeof label, "%s\n(deadline %s)", s->title, dur);
		else
			snprintf(label, sizeof label, "%s", s->title);
		fputc('\t', out);
		dot_string(out, s->id);
		fprintf(out, " [label=");
		/* Newlines become DOT's own \n escape rather than raw line breaks. */
		fputc('"', out);
		for (const char *c = label; *c; c++) {
			if (*c == '\n')
				fputs("\\n", out);
			else if (*c == '"' || *c == '\\')
				fprintf(out, "\\%c", *c);
			else if ((unsigned char)*c >= 0x20)
				fputc(*c, out);
		}
		fputc('"', out);
		if (s->final)
			fprintf(out, ", peripheries=2");
		if (s->clock_stops)
			fprintf(out, ", style=\"rounded,dashed\"");
		fprintf(out, "];\n");
	}
	if (wf->initial < wf->n_states) {
		fprintf(out, "\t\"__start\" -> ");
		dot_string(out, wf->states[wf->initial].id);
		fprintf(out, ";\n");
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		char roles[128];
		cd_roles_format(t->roles, roles, sizeof roles);
		wf_duration_format(t->extend, dur, sizeof dur);
		snprintf(label, sizeof label, "%s%s%s%s%s", t->id, dur[0] ? " +" : "", dur,
			 roles[0] ? " / " : "", roles);
		for (size_t k = 0; k < t->n_from; k++) {
			fputc('\t', out);
			dot_string(out, wf->states[t->from[k]].id);
			fprintf(out, " -> ");
			dot_string(out, wf->states[t->to].id);
			fprintf(out, " [label=");
			dot_string(out, label);
			if ((t->guards & WF_GUARD_FOUR_EYES) || t->four_eyes != WF_NO_PAIR)
				fprintf(out, ", style=bold");
			fprintf(out, "];\n");
		}
	}
	fprintf(out, "}\n");
}

