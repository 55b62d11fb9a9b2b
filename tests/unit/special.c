/* special.c - incomplete beta, t, normal and binomial against values
 * computed with mpmath at 50 digits. */
#include <math.h>

#include "special.h"
#include "test.h"

/* Relative agreement, or both the same infinity or zero. */
static int
near(double got, double want, double rel)
{
	if (got == want)
		return 1;
	return fabs(got - want) <= rel * fabs(want);
}

static void
test_betainc(void)
{
	static const struct { double a, b, x, want; } t[] = {
		{ 0.5, 0.5, 0.3, 3.6901011956554538e-1 },
		{ 1, 1, 0.25, 2.5e-1 },
		{ 2.5, 3, 0.1, 2.148372385376893e-2 },
		{ 10, 10, 0.5, 5.0e-1 },
		{ 100, 10, 0.001, 4.2255807530370136e-288 },
		{ 1e5, 50, 0.999, 1.1337178925217866e-8 },
		{ 1000, 5e6, 0.0002001599680063987, 5.16811453013907e-1 },
		{ 5e6, 5e6, 0.5005, 9.9921730078357924e-1 },
		{ 0.5, 5e8, 3.8416e-09, 9.5000420986630359e-1 },
		{ 50, 0.5, 0.99, 3.1730439787419737e-1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ok(near(bp_betainc(t[i].a, t[i].b, t[i].x), t[i].want, 1e-12),
		    "I_%g(%g, %g) = %.17g (got %.17g)", t[i].x, t[i].a, t[i].b,
		    t[i].want, bp_betainc(t[i].a, t[i].b, t[i].x));
	ok(bp_betainc(2, 3, 0) == 0 && bp_betainc(2, 3, 1) == 1,
	    "I_0 = 0 and I_1 = 1");
	ok(isnan(bp_betainc(-1, 3, 0.5)) && isnan(bp_betainc(2, 3, 1.5)) &&
	    isnan(bp_betainc(2, NAN, 0.5)), "bad arguments give NaN");
}

static void
test_t(void)
{
	static const struct { double t, df, want; } c[] = {
		{ -1e10, 0.5, 3.207009754142229e-6 },
		{ -300, 1.5, 7.2569440950473348e-5 },
		{ -8, 3, 2.0382887938927341e-3 },
		{ -1.96, 7, 4.5409847684090604e-2 },
		{ -1e-08, 29, 4.9999999604481421e-1 },
		{ 0.5, 100, 6.9091321708455671e-1 },
		{ 5, 1e4, 9.9999970848366932e-1 },
		{ -8, 1e6, 6.2275317166012598e-16 },
		{ 2, 1e9, 9.7724986791684338e-1 },
		{ -2.5, 4.5, 2.9952843251100272e-2 },
	};
	static const struct { double p, df, want; } q[] = {
		{ 0.975, 1, 1.2706204736174693e+1 },
		{ 0.975, 2, 4.3026527297494618 },
		{ 0.975, 3, 3.1824463052837084 },
		{ 0.975, 9, 2.262157162798205 },
		{ 0.975, 29, 2.0452296421327039 },
		{ 0.975, 1000, 1.9623390808264081 },
		{ 0.975, 1e7, 1.9599642217672051 },
		{ 0.995, 5, 4.0321429835552272 },
		{ 1e-20, 4.5, -4.0222128361817882e+4 },
		{ 1e-100, 100, -9.6314743077830924e+1 },
		{ 0.25, 29, -6.8304386082161315e-1 },
		{ 0.4999, 10, -2.5699780660494993e-4 },
		{ 0.75, 2.5, 7.850136829923011e-1 },
		{ 1e-08, 1e9, -5.612001289764664 },
		{ 0.9995, 17, 3.9651262721190822 },
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof *c; i++)
		ok(near(bp_t_cdf(c[i].t, c[i].df), c[i].want, 1e-11),
		    "t cdf(%g; %g) = %.17g (got %.17g)", c[i].t, c[i].df,
		    c[i].want, bp_t_cdf(c[i].t, c[i].df));
	for (i = 0; i < sizeof q / sizeof *q; i++)
		ok(near(bp_t_quantile(q[i].p, q[i].df), q[i].want, 1e-12),
		    "t quantile(%g; %g) = %.17g (got %.17g)", q[i].p, q[i].df,
		    q[i].want, bp_t_quantile(q[i].p, q[i].df));
	for (i = 0; i < sizeof q / sizeof *q; i++)
		ok(near(bp_t_cdf(bp_t_quantile(q[i].p, q[i].df), q[i].df),
		    q[i].p, 1e-12), "t cdf(quantile(%g; %g)) round-trips",
		    q[i].p, q[i].df);
	ok(bp_t_quantile(0.5, 7) == 0, "the median of t is 0");
	ok(bp_t_quantile(0, 7) == -INFINITY && bp_t_quantile(1, 7) == INFINITY,
	    "quantiles 0 and 1 are infinite");
	ok(bp_t_quantile(1e-300, 0.5) == -INFINITY,
	    "a quantile beyond the doubles is -inf");
	ok(near(bp_t_quantile(0.975, INFINITY), 1.9599639845400539, 1e-14),
	    "df = inf is the normal");
	ok(bp_t_cdf(1e200, 0.5) == 1 && near(bp_t_cdf(-1e200, 0.5),
	    exp(-0.75 * log(0.5) - lgamma(0.25) - lgamma(0.5) +
	    lgamma(0.75) - 0.5 * log(1e200)), 1e-12),
	    "far tails follow the power law");
	ok(isnan(bp_t_cdf(1, 0)) && isnan(bp_t_quantile(1.5, 3)) &&
	    isnan(bp_t_quantile(0.5, -1)), "bad arguments give NaN");
}

static void
test_normal(void)
{
	static const struct { double x, want; } c[] = {
		{ -38, 2.8854283600687843e-316 },
		{ -20, 2.7536241186062337e-89 },
		{ -5, 2.8665157187919391e-7 },
		{ -1.5, 6.6807201268858066e-2 },
		{ -1e-10, 4.9999999996010577e-1 },
		{ 0.3, 6.1791142218895263e-1 },
		{ 8, 9.9999999999999938e-1 },
	};
	static const struct { double p, want; } q[] = {
		{ 1e-300, -37.047096299361201 },
		{ 1e-20, -9.2623400897984076 },
		{ 1e-05, -4.2648907939228246 },
		{ 0.01, -2.3263478740408411 },
		{ 0.2, -8.4162123357291417e-1 },
		{ 0.25, -6.7448975019608174e-1 },
		{ 0.3, -5.2440051270804082e-1 },
		{ 0.4999999, -2.5066282747031065e-7 },
		{ 0.6, 2.5334710313579974e-1 },
		{ 0.975, 1.9599639845400539 },
		{ 0.9999999999, 6.3613408896974219 },
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof *c; i++)
		ok(near(bp_norm_cdf(c[i].x), c[i].want, 1e-13),
		    "normal cdf(%g) = %.17g", c[i].x, c[i].want);
	for (i = 0; i < sizeof q / sizeof *q; i++)
		ok(near(bp_norm_quantile(q[i].p), q[i].want, 1e-13),
		    "normal quantile(%g) = %.17g (got %.17g)", q[i].p,
		    q[i].want, bp_norm_quantile(q[i].p));
	ok(bp_norm_quantile(0.5) == 0 && bp_norm_quantile(0) == -INFINITY,
	    "normal quantile of 1/2 and 0");
}

static void
test_binomial(void)
{
	static const struct { double k, n, p, want; } t[] = {
		{ 0, 6, 0.5, 1.5625e-2 },
		{ 1, 6, 0.5, 1.09375e-1 },
		{ 3, 20, 0.5, 1.2884140014648437e-3 },
		{ 480, 1001, 0.5, 1.0305365541647661e-1 },
		{ 49841, 100000, 0.5, 1.5806507750698568e-1 },
		{ 4996838, 1e7, 0.5, 2.2776696984841876e-2 },
		{ 2, 100, 0.01, 9.2062679774781966e-1 },
		{ 89, 100, 0.9, 4.168444877335079e-1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ok(near(bp_binom_cdf(t[i].k, t[i].n, t[i].p), t[i].want, 1e-12),
		    "P(Binomial(%g, %g) <= %g) = %.17g", t[i].n, t[i].p, t[i].k,
		    t[i].want);
	ok(bp_binom_cdf(-1, 10, 0.5) == 0 && bp_binom_cdf(10, 10, 0.5) == 1,
	    "binomial cdf below 0 and at n");
	ok(isnan(bp_binom_cdf(1, 2.5, 0.5)), "a fractional n gives NaN");
}

int
main(void)
{
	test_betainc();
	test_t();
	test_normal();
	test_binomial();
	return done();
}
