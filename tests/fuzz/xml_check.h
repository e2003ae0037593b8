/*
 * xml_check.h - is a workbook a package Excel opens without "repairing"?
 *
 * For the workbook fuzz target (fuzz_workbook.c): reads an .xlsx (a zip)
 * through its central directory, inflates every .xml and .rels part with
 * zlib, and checks each is well-formed XML 1.0: valid UTF-8, only the
 * characters XML allows (also through character references), tags that
 * nest and close, quoted attributes, known entities. Not a validating
 * parser: enough to catch what a string written into a workbook can break.
 */
#ifndef HN_XML_CHECK_H
#define HN_XML_CHECK_H

#include <stddef.h>

/*
 * 0 when every XML part of the package at path is well-formed; otherwise 1
 * with a one-line reason (the part and what is wrong) in why.
 */
int xml_check_package(const char *path, char *why, size_t cap);

/* 0 when the n bytes at s are one well-formed XML document; otherwise 1 with the reason in why. */
int xml_check_document(const unsigned char *s, size_t n, char *why, size_t cap);

#endif
