/* text: Unicode-aware text helpers shared by vibe code helpers and the
 * catalogue: slugify (accented Latin letters folded to ASCII, the rest
 * dropped), date formatting with documented tokens, time zone names. */
#ifndef TEXT_H
#define TEXT_H
#include "util.h"
#include <stdint.h>

/* "Crème Brûlée – Đà Lạt" -> "creme-brulee-da-lat" */
void text_slugify(sbuf *out, const char *in);
/* Format unix milliseconds (UTC) with tokens:
 *   YYYY 2026  YY 26  MMMM November  MMM Nov  MM 11  M 11
 *   DD 05  D 5  dddd Sunday  ddd Sun  HH 09  H 9  hh 09  h 9 (12-hour)
 *   mm 07  ss 03  A AM/PM
 * Text in [brackets] is copied as is; other characters pass through. */
void text_format_date(sbuf *out, double ms, const char *format);
/* Parse an ISO 8601 date or date-time ("2026-10-01", "2026-10-01T09:30:00Z")
 * to unix milliseconds; 0 on success, -1 if it is not one. */
int text_parse_iso(const char *s, double *ms);
/* A store's time zone: "UTC" or an IANA name ("Europe/Berlin") with a
 * zone file under TZDIR (/usr/share/zoneinfo). NULL when fine, else what
 * is wrong. */
const char *tz_problem(const char *zone);
/* The zone's POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), from the end
 * of its zone file (TZif version 2 and later); "UTC0" for UTC. 0, or -1
 * when there is none. */
int tz_rule(const char *zone, char *out, size_t n);
#define TZ_NAME_MAX 63
#endif
