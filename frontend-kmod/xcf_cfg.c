// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Reads a vcamera device's configuration from XenStore.
 *
 * The grammar is cameraif's (see vcamera's xenstore_schema.h): numbers are
 * canonical decimals, every directory listing is bounded before its entries
 * are read, FOURCC names may have 1..4 characters (trailing spaces trimmed)
 * and a "-BE" suffix for big-endian variants.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/videodev2.h>

#include "xcf.h"

#define XCF_MAX_UNIQUE_ID	256

/* "0" or digits without a leading zero, fitting in u32. */
static int parse_u32(const char *s, size_t len, u32 *out)
{
	u64 v = 0;
	size_t i;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > U32_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

/* "a<sep>b" with both parts positive. */
static int parse_pair(const char *s, size_t len, char sep, u32 *a, u32 *b)
{
	const char *p = memchr(s, sep, len);

	if (!p || parse_u32(s, p - s, a) ||
	    parse_u32(p + 1, len - (p - s) - 1, b) || !*a || !*b)
		return -EINVAL;
	return 0;
}

static bool is_node_char(char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '@';
}

/* A formats/ node name to a V4L2 FOURCC ("Y16" is 'Y16 ', "AR15-BE"). */
static int parse_fourcc(const char *name, u32 *fourcc)
{
	size_t len = strlen(name);
	u32 code = 0;
	bool be = false;
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_node_char(name[i]))
			return -EINVAL;
	if (len > 3 && !strcmp(name + len - 3, XENCAMERA_FOURCC_BIGENDIAN_STR)) {
		be = true;
		len -= 3;
	}
	if (len == 0 || len > 4)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		code |= (u32)(i < len ? (u8)name[i] : ' ') << (8 * i);
	if (code & BIT(31))
		return -EINVAL;
	*fourcc = code | (be ? BIT(31) : 0);
	return 0;
}

static char *read_node(struct xenbus_device *xb_dev, const char *dir,
		       const char *node)
{
	unsigned int len;
	char *val = xenbus_read(XBT_NIL, dir, node, &len);

	if (IS_ERR(val))
		return val;
	if (len != strlen(val)) {	/* embedded NUL */
		kfree(val);
		return ERR_PTR(-EINVAL);
	}
	return val;
}

static int parse_rates(const char *text, struct xcf_resolution *res)
{
	const char *p = text;

	res->num_rates = 0;
	for (;;) {
		const char *end = strchrnul(p, ',');
		struct xcf_frame_rate r;
		unsigned int i;

		if (res->num_rates == XCF_MAX_RATES)
			return -E2BIG;
		if (parse_pair(p, end - p, '/', &r.numer, &r.denom))
			return -EINVAL;
		for (i = 0; i < res->num_rates; i++)
			if ((u64)res->rates[i].numer * r.denom ==
			    (u64)r.numer * res->rates[i].denom)
				return -EINVAL;
		res->rates[res->num_rates++] = r;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static int cmp_res(const void *a, const void *b)
{
	const struct xcf_resolution *x = a, *y = b;

	if (x->width != y->width)
		return x->width < y->width ? -1 : 1;
	if (x->height != y->height)
		return x->height < y->height ? -1 : 1;
	return 0;
}

/* Node-name order: characters first to last, the -BE variant after. */
static u64 fourcc_key(u32 fourcc)
{
	u64 key = (u64)swab32(fourcc & ~BIT(31)) << 1;

	return fourcc & BIT(31) ? key | 1 : key;
}

static int cmp_format(const void *a, const void *b)
{
	u64 x = fourcc_key(((const struct xcf_format *)a)->fourcc);
	u64 y = fourcc_key(((const struct xcf_format *)b)->fourcc);

	return x < y ? -1 : x > y;
}

static int read_format(struct xenbus_device *xb_dev, const char *fmt_dir,
		       struct xcf_format *format)
{
	unsigned int n, i;
	char **names;
	int ret = 0;

	names = xenbus_directory(XBT_NIL, fmt_dir, "", &n);
	if (IS_ERR(names))
		return PTR_ERR(names);
	if (n == 0 || n > XCF_MAX_RESOLUTIONS) {
		ret = n ? -E2BIG : -ENOENT;
		goto out;
	}
	format->res = kcalloc(n, sizeof(*format->res), GFP_KERNEL);
	if (!format->res) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct xcf_resolution *res = &format->res[i];
		char *dir, *rates;

		if (parse_pair(names[i], strlen(names[i]),
			       XENCAMERA_RESOLUTION_SEPARATOR[0],
			       &res->width, &res->height)) {
			ret = -EINVAL;
			break;
		}
		dir = kasprintf(GFP_KERNEL, "%s/%s", fmt_dir, names[i]);
		if (!dir) {
			ret = -ENOMEM;
			break;
		}
		rates = read_node(xb_dev, dir, XENCAMERA_FIELD_FRAME_RATES);
		kfree(dir);
		if (IS_ERR(rates)) {
			ret = PTR_ERR(rates);
			break;
		}
		ret = parse_rates(rates, res);
		kfree(rates);
		if (ret)
			break;
	}
	if (ret)
		goto out;
	format->num_res = n;
	sort(format->res, n, sizeof(*format->res), cmp_res, NULL);
	for (i = 1; i < n; i++)
		if (!cmp_res(&format->res[i - 1], &format->res[i]))
			ret = -EINVAL;
out:
	if (ret) {
		dev_err(&xb_dev->dev, "%s: invalid configuration (%d)\n",
			fmt_dir, ret);
		kfree(format->res);
		format->res = NULL;
		format->num_res = 0;
	}
	kfree(names);
	return ret;
}

static int read_formats(struct xenbus_device *xb_dev, struct xcf_cfg *cfg)
{
	unsigned int n, i;
	char **names;
	int ret = 0;

	names = xenbus_directory(XBT_NIL, xb_dev->nodename,
				 XENCAMERA_FIELD_FORMATS, &n);
	if (IS_ERR(names))
		return PTR_ERR(names);
	if (n == 0 || n > XCF_MAX_FORMATS) {
		ret = n ? -E2BIG : -ENOENT;
		goto out;
	}
	cfg->formats = kcalloc(n, sizeof(*cfg->formats), GFP_KERNEL);
	if (!cfg->formats) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct xcf_format *format = &cfg->formats[cfg->num_formats];
		u32 fourcc;
		char *dir;

		if (parse_fourcc(names[i], &fourcc)) {
			dev_err(&xb_dev->dev, "format node \"%s\" is invalid\n",
				names[i]);
			ret = -EINVAL;
			break;
		}
		if (!xen_camera_front_fmt_describe(fourcc, format)) {
			dev_warn(&xb_dev->dev, "format %s unknown to V4L2, skipped\n",
				 names[i]);
			continue;
		}
		/* A backend buffer is shared as one vb2 plane. */
		if (cfg->be_alloc && format->mem_planes > 1) {
			dev_warn(&xb_dev->dev, "format %s needs %u buffers per frame, not with be-alloc; skipped\n",
				 names[i], format->mem_planes);
			continue;
		}
		if (xen_camera_front_cfg_find(cfg, fourcc)) {
			ret = -EINVAL;
			break;
		}
		dir = kasprintf(GFP_KERNEL, "%s/%s/%s", xb_dev->nodename,
				XENCAMERA_FIELD_FORMATS, names[i]);
		if (!dir) {
			ret = -ENOMEM;
			break;
		}
		format->fourcc = fourcc;
		ret = read_format(xb_dev, dir, format);
		kfree(dir);
		if (ret)
			break;
		cfg->num_formats++;
	}
	if (!ret && cfg->num_formats == 0)
		ret = -ENOENT;
	if (!ret)
		sort(cfg->formats, cfg->num_formats, sizeof(*cfg->formats),
		     cmp_format, NULL);
out:
	kfree(names);
	return ret;
}

static int read_controls(struct xenbus_device *xb_dev, struct xcf_cfg *cfg)
{
	static const char * const names[XENCAMERA_MAX_CTRL] = {
		[XENCAMERA_CTRL_BRIGHTNESS] = XENCAMERA_CTRL_BRIGHTNESS_STR,
		[XENCAMERA_CTRL_CONTRAST] = XENCAMERA_CTRL_CONTRAST_STR,
		[XENCAMERA_CTRL_SATURATION] = XENCAMERA_CTRL_SATURATION_STR,
		[XENCAMERA_CTRL_HUE] = XENCAMERA_CTRL_HUE_STR,
	};
	char *text, *p, *tok;
	int ret = 0;

	text = read_node(xb_dev, xb_dev->nodename, XENCAMERA_FIELD_CONTROLS);
	if (IS_ERR(text))
		return PTR_ERR(text) == -ENOENT ? 0 : PTR_ERR(text);
	p = text;
	while (*text && (tok = strsep(&p, XENCAMERA_LIST_SEPARATOR))) {
		unsigned int i;

		for (i = 0; i < XENCAMERA_MAX_CTRL; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == XENCAMERA_MAX_CTRL || test_bit(i, &cfg->controls)) {
			ret = -EINVAL;
			break;
		}
		set_bit(i, &cfg->controls);
	}
	kfree(text);
	return ret;
}

/**
 * xen_camera_front_cfg_read() - read and check a device's configuration
 * @xb_dev: the xenbus device
 * @cfg: filled on success; free with xen_camera_front_cfg_free()
 *
 * Return: 0, or a negative errno naming what was wrong (logged here).
 */
int xen_camera_front_cfg_read(struct xenbus_device *xb_dev,
			      struct xcf_cfg *cfg)
{
	u32 max_buffers;
	char *val;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	val = read_node(xb_dev, xb_dev->nodename, XENCAMERA_FIELD_BE_ALLOC);
	if (!IS_ERR(val)) {
		cfg->be_alloc = !strcmp(val, "1");
		kfree(val);
	}

	val = read_node(xb_dev, xb_dev->nodename, XENCAMERA_FIELD_MAX_BUFFERS);
	if (IS_ERR(val)) {
		ret = PTR_ERR(val);
		dev_err(&xb_dev->dev, "no %s (%d)\n",
			XENCAMERA_FIELD_MAX_BUFFERS, ret);
		goto fail;
	}
	ret = parse_u32(val, strlen(val), &max_buffers);
	kfree(val);
	if (ret || max_buffers == 0 || max_buffers > U8_MAX) {
		ret = -EINVAL;
		dev_err(&xb_dev->dev, "invalid %s\n", XENCAMERA_FIELD_MAX_BUFFERS);
		goto fail;
	}
	cfg->max_buffers = max_buffers;

	/* Only for messages: the backend is the one that needs it. */
	val = read_node(xb_dev, xb_dev->nodename, XENCAMERA_FIELD_UNIQUE_ID);
	if (!IS_ERR(val)) {
		if (strlen(val) <= XCF_MAX_UNIQUE_ID)
			cfg->unique_id = val;
		else
			kfree(val);
	}

	ret = read_controls(xb_dev, cfg);
	if (ret) {
		dev_err(&xb_dev->dev, "invalid %s\n", XENCAMERA_FIELD_CONTROLS);
		goto fail;
	}
	ret = read_formats(xb_dev, cfg);
	if (ret) {
		dev_err(&xb_dev->dev, "no usable %s (%d)\n",
			XENCAMERA_FIELD_FORMATS, ret);
		goto fail;
	}
	return 0;
fail:
	xen_camera_front_cfg_free(cfg);
	return ret;
}

/**
 * xen_camera_front_cfg_free() - free what xen_camera_front_cfg_read() made
 * @cfg: the configuration; safe to call twice
 */
void xen_camera_front_cfg_free(struct xcf_cfg *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->num_formats; i++)
		kfree(cfg->formats[i].res);
	kfree(cfg->formats);
	kfree(cfg->unique_id);
	memset(cfg, 0, sizeof(*cfg));
}

/**
 * xen_camera_front_cfg_find() - a configured format by FOURCC
 * @cfg: the configuration
 * @fourcc: V4L2 FOURCC
 *
 * Return: the format, or NULL.
 */
const struct xcf_format *xen_camera_front_cfg_find(const struct xcf_cfg *cfg,
						   u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < cfg->num_formats; i++)
		if (cfg->formats[i].fourcc == fourcc)
			return &cfg->formats[i];
	return NULL;
}

/**
 * xen_camera_front_cfg_find_res() - a configured resolution of a format
 * @format: the format
 * @width: pixels
 * @height: lines
 *
 * Return: the resolution, or NULL.
 */
const struct xcf_resolution *
xen_camera_front_cfg_find_res(const struct xcf_format *format,
			      u32 width, u32 height)
{
	unsigned int i;

	for (i = 0; i < format->num_res; i++)
		if (format->res[i].width == width &&
		    format->res[i].height == height)
			return &format->res[i];
	return NULL;
}

/**
 * xen_camera_front_cfg_has_rate() - whether a resolution lists a frame rate
 * @res: the resolution
 * @numer: frames
 * @denom: per this many seconds
 *
 * Return: true when a listed rate has the same value.
 */
bool xen_camera_front_cfg_has_rate(const struct xcf_resolution *res,
				   u32 numer, u32 denom)
{
	unsigned int i;

	/* 0/0 would equal every rate below (the backend's reply is checked). */
	if (!numer || !denom)
		return false;
	for (i = 0; i < res->num_rates; i++)
		if ((u64)res->rates[i].numer * denom ==
		    (u64)numer * res->rates[i].denom)
			return true;
	return false;
}
