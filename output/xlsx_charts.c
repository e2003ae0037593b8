/*
 * xlsx_charts.c - charts in one house style.
 *
 * Every chart has a bold 11-point title, its legend at the bottom and no
 * border; its series take their values, categories and names from cells of
 * a sheet named by the caller (libxlsxwriter quotes the name), so a chart
 * always shows what the sheet's cells say and a sheet written under
 * another name charts its own cells. Series names come from cells rather
 * than literals so that a label typed in a scenario cannot be read as a
 * formula. libxlsxwriter 1.1.4 copies every string it is given here.
 *
 * Two quirks of libxlsxwriter 1.1.4 are handled here: it cannot combine
 * two chart types in one chart, and it does not mark the value axis of an
 * area chart as a value axis, so it refuses limits on it; xw_chart_value_axis
 * marks it (the field is public) before setting them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlsx_internal.h"

/* libxlsxwriter's default chart size, in pixels. */
#define XW_CHART_W 480.0
#define XW_CHART_H 288.0

/* A new chart of type with the house style and title; NULL after an error (recorded). */
lxw_chart *xw_chart(xw_ctx *c, uint8_t type, const char *title)
{
    if (c->err) return NULL;
    lxw_chart *ch = workbook_add_chart(c->wb, type);
    if (!ch) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart");
        return NULL;
    }
    char *clean = xw_clean_utf8(title ? title : "", 250);
    if (!clean) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "copying a chart title");
        return NULL;
    }
    /* A title starting with '=' would be read as a cell reference. */
    if (clean[0] && clean[0] != '=') {
        chart_title_set_name(ch, clean);
        lxw_chart_font font = { .bold = LXW_TRUE, .size = 11 };
        chart_title_set_name_font(ch, &font);
    }
    free(clean);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_line border = { .none = LXW_TRUE };
    chart_chartarea_set_line(ch, &border);
    return ch;
}

/* Adds a series of cells vals (categories cats) named by the cell (name_row, name_col) when name_row >= 0. */
lxw_chart_series *xw_chart_series(xw_ctx *c, lxw_chart *ch, const char *sheet, xw_range cats,
                                  xw_range vals, int name_row, int name_col)
{
    if (c->err || !ch) return NULL;
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    if (!s) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart series");
        return NULL;
    }
    chart_series_set_categories(s, sheet, (lxw_row_t)cats.r0, (lxw_col_t)cats.c0,
                                (lxw_row_t)cats.r1, (lxw_col_t)cats.c1);
    chart_series_set_values(s, sheet, (lxw_row_t)vals.r0, (lxw_col_t)vals.c0, (lxw_row_t)vals.r1,
                            (lxw_col_t)vals.c1);
    if (name_row >= 0)
        chart_series_set_name_range(s, sheet, (lxw_row_t)name_row, (lxw_col_t)name_col);
    return s;
}

/* Fill colour (none when color < 0) with transparency 0-100, and line (none when line_color < 0) of a series. */
void xw_series_style(lxw_chart_series *s, long color, int transparency, long line_color,
                     double line_width, bool dashed)
{
    if (!s) return;
    lxw_chart_fill fill = { .color = (lxw_color_t)(color < 0 ? 0 : color),
                            .none = color < 0,
                            .transparency = (uint8_t)transparency };
    chart_series_set_fill(s, &fill);
    lxw_chart_line line = { .color = (lxw_color_t)(line_color < 0 ? 0 : line_color),
                            .none = line_color < 0,
                            .width = (float)line_width,
                            .dash_type = dashed ? LXW_CHART_LINE_DASH_DASH : 0 };
    chart_series_set_line(s, &line);
}

/* A round step near range / target: 1, 2, 2.5 or 5 times a power of ten (range > 0). */
double xw_nice_step(double range, int target)
{
    double raw = range / target;
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    double step = norm <= 1.0   ? 1.0
                  : norm <= 2.0 ? 2.0
                  : norm <= 2.5 ? 2.5
                  : norm <= 5.0 ? 5.0
                                : 10.0;
    return step * mag;
}

/* Cleans text for a chart (xw_clean_utf8); NULL on OOM, noted in c when c is given. */
static char *chart_text(xw_ctx *c, const char *text)
{
    char *clean = xw_clean_utf8(text ? text : "", 250);
    if (!clean && c) xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "copying a chart label");
    return clean;
}

void xw_series_name(xw_ctx *c, lxw_chart_series *s, const char *name)
{
    char *clean = s ? chart_text(c, name) : NULL;
    if (clean) chart_series_set_name(s, clean);
    free(clean);
}

void xw_axis_name(xw_ctx *c, lxw_chart_axis *axis, const char *name)
{
    char *clean = axis ? chart_text(c, name) : NULL;
    if (clean) chart_axis_set_name(axis, clean);
    free(clean);
}

/* Round limits around lo..hi (never below 0 when lo >= 0), a round major unit, a name and a number format. */
void xw_chart_value_axis(lxw_chart *ch, double lo, double hi, const char *name,
                         const char *num_format)
{
    if (!ch) return;
    bool horizontal = ch->type == LXW_CHART_BAR || ch->type == LXW_CHART_BAR_STACKED ||
                      ch->type == LXW_CHART_BAR_STACKED_PERCENT;
    lxw_chart_axis *axis = horizontal ? ch->x_axis : ch->y_axis;
    axis->is_value = LXW_TRUE; /* 1.1.4 leaves it unset for area charts */
    if (name) xw_axis_name(NULL, axis, name);
    if (num_format) chart_axis_set_num_format(axis, num_format);
    if (!isfinite(lo) || !isfinite(hi)) return;
    if (hi - lo < 1e-9 * (fabs(hi) + fabs(lo)) || hi <= lo) {
        double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1.0;
        lo -= pad;
        hi += pad;
    }
    double step = xw_nice_step(hi - lo, 5);
    double min = floor(lo / step) * step, max = ceil(hi / step) * step;
    if (lo >= 0 && min < 0) min = 0;
    chart_axis_set_min(axis, min);
    chart_axis_set_max(axis, max);
    chart_axis_set_major_unit(axis, step);
}

/* Pixels of a column of width w characters: Excel's rule for the default 11-point font. */
int xw_col_pixels(double w)
{
    if (w <= 0) return 0;
    return w < 1 ? (int)(w * 12 + 0.5) : (int)(w * 7 + 0.5) + 5;
}

/* Inserts ch at (row, col) + (x_offset, y_offset) pixels, sized width x height pixels. */
void xw_chart_insert(xw_ctx *c, lxw_worksheet *ws, int row, int col, int x_offset, int y_offset,
                     lxw_chart *ch, int width, int height)
{
    if (c->err || !ws || !ch) return;
    lxw_chart_options opt = {
        .x_offset = x_offset,
        .y_offset = y_offset,
        .x_scale = width / XW_CHART_W,
        .y_scale = height / XW_CHART_H,
        .object_position = LXW_OBJECT_MOVE_DONT_SIZE,
    };
    xw_check(c, worksheet_insert_chart_opt(ws, (lxw_row_t)row, (lxw_col_t)col, ch, &opt),
             "inserting a chart");
}
