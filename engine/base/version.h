/* version.h - the engine version, recorded in every workbook and CSV run. */
#ifndef HN_VERSION_H
#define HN_VERSION_H
#define HN_VERSION "0.1.0"
#endif
