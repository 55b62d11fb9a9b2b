/*
 * special.h - the special functions behind confidence intervals and
 * p-values: the regularized incomplete beta function, and from it the
 * Student t, normal and binomial distributions.  Relative accuracy is
 * about 1e-13 in the body and the tails alike (checked against mpmath at
 * 50 digits; scipy 1.10's t.ppf is good to 5e-9 only), slowly worse for
 * parameters past 1e8.  Bad arguments give NaN.  Thread-safe.
 */
#ifndef BP_SPECIAL_H
#define BP_SPECIAL_H

/* The regularized incomplete beta function I_x(a, b), a > 0, b > 0,
 * 0 <= x <= 1. */
double bp_betainc(double a, double b, double x);

/*
 * Student's t distribution with df > 0 degrees of freedom (not only
 * integers: Welch's test needs fractional ones; df = INFINITY is the
 * normal).  The CDF is computed for the tail directly, so a two-sided
 * p-value is 2 * bp_t_cdf(-fabs(t), df) with full relative accuracy.
 */
double bp_t_cdf(double t, double df);
/* The p-quantile, 0 <= p <= 1 (-inf and inf at the ends). */
double bp_t_quantile(double p, double df);

/* The standard normal distribution; same conventions as above. */
double bp_norm_cdf(double x);
double bp_norm_quantile(double p);

/* P(X <= k) for X ~ Binomial(n, p), 0 <= p <= 1. */
double bp_binom_cdf(double k, double n, double p);

#endif
