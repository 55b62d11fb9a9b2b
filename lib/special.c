/*
 * special.c - incomplete beta, Student t, normal and binomial
 * distributions, written from the mathematics rather than ported.
 *
 * I_x(a, b) is Lentz's evaluation of the continued fraction (DLMF 8.17.22)
 * on whichever side of the mean converges, times a front factor
 * x^a (1-x)^b / B(a, b).  The front factor is where large parameters lose
 * digits (lgamma(5e6) cancels against lgamma(5e6 + 0.5)), so it is built
 * from Stirling's series with the large terms cancelled by hand.  Every
 * routine takes x and 1 - x apart where the caller knows both, and the
 * quantiles solve for the smaller of the two tails, so p-values of 1e-300
 * keep their digits.  Quantiles are safeguarded Newton iterations.  No
 * global state: safe in threads.
 */
#include <math.h>

#include "special.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406	/* ln sqrt(2 pi) */

/* ln Gamma(x), x > 0, without lgamma's global signgam: thread-safe. */
static double
lgam(double x)
{
	int sign;

	return lgamma_r(x, &sign);
}

/* ln Gamma(x) less Stirling's main terms (x - 1/2) ln x - x + ln sqrt(2 pi). */
static double
stirlerr(double x)
{
	double r, r2;

	if (x < 10)
		return lgam(x) - ((x - 0.5) * log(x) - x + LN_SQRT_2PI);
	r = 1 / x;
	r2 = r * r;
	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 -
	    r2 * (1.0 / 1680 - r2 / 1188))));
}

/* ln B(a, b) without the cancellation of three large lgammas. */
static double
lbeta(double a, double b)
{
	double lo = fmin(a, b), hi = fmax(a, b);

	if (hi < 10)
		return lgam(lo) + lgam(hi) - lgam(lo + hi);
	/* lgamma(hi) - lgamma(hi + lo), Stirling's terms subtracted by hand */
	return lgam(lo) - (hi - 0.5) * log1p(lo / hi) - lo * log(hi + lo) +
	    lo + stirlerr(hi) - stirlerr(hi + lo);
}

/* a ln(x / x0) where x = x0 (1 + e / a): log1p while that is accurate. */
static double
scaled_log(double a, double e, double lx, double n)
{
	if (e / a > -0.5)
		return a * log1p(e / a);
	return a * (lx + log(n / a));
}

/* x^a y^b / B(a, b) with y = 1 - x. */
static double
beta_front(double a, double b, double x, double y)
{
	double n, e, t, lx, ly;

	lx = x <= 0.5 ? log(x) : log1p(-y);
	ly = y <= 0.5 ? log(y) : log1p(-x);
	if (a >= 10 && b >= 10) {
		/*
		 * Centred on the mean x0 = a / n: a ln(x / x0) + b ln(y / y0)
		 * stays small where a ln x and ln B are both huge.  e is
		 * n (x - x0) with one rounding.
		 */
		n = a + b;
		e = x <= y ? fma(x, n, -a) : fma(-y, n, b);
		t = scaled_log(a, e, lx, n) + scaled_log(b, -e, ly, n);
		return exp(t + 0.5 * (log(a) + log(b / n)) - LN_SQRT_2PI -
		    (stirlerr(a) + stirlerr(b) - stirlerr(n)));
	}
	return exp(a * lx + b * ly - lbeta(a, b));
}

/*
 * The continued fraction of I_x(a, b) by the modified Lentz method, in
 * long double: for large a the fraction is as sensitive to x as I_x
 * itself (a relative change e in x moves it by a e), so where x is near
 * 1 it is rebuilt as 1 - y in the wider type.
 */
static double
beta_cf(double a, double b, double x, double y)
{
	const long double tiny = 1e-300L;
	long double c = 1, d, h, num, del, m2, lx, la = a, lb = b;
	long m;

	lx = x < 0.5 ? (long double)x : 1.0L - (long double)y;
	/* near x = 1 the first term cancels unless written with y */
	if (x < 0.5)
		d = 1 - (la + lb) * lx / (la + 1);
	else
		d = (1 - lb + (la + lb) * (long double)y) / (la + 1);
	if (fabsl(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 1000000; m++) {
		m2 = 2.0L * m;
		num = m * (lb - m) * lx / ((la + m2 - 1) * (la + m2));
		d = 1 + num * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + num / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		num = -(la + m) * (la + lb + m) * lx /
		    ((la + m2) * (la + m2 + 1));
		d = 1 + num * d;
		if (fabsl(d) < tiny)
			d = tiny;
		c = 1 + num / c;
		if (fabsl(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabsl(del - 1) < 1e-17L)
			break;
	}
	return (double)h;
}

/* *w = I_x(a, b) and *w1 = 1 - I_x(a, b), the smaller computed directly. */
static void
beta_inc2(double a, double b, double x, double y, double *w, double *w1)
{
	double v;

	if (x <= 0) {
		*w = 0;
		*w1 = 1;
	} else if (y <= 0) {
		*w = 1;
		*w1 = 0;
	} else if (x < (a + 1) / (a + b + 2) &&
	    !(b <= 1 && x > 0.5 && y < 2 * (b + 1) / (a + b + 2))) {
		/*
		 * The side that converges; but for b <= 1 just past the
		 * turning point the other side is as quick and needs no x
		 * near 1 (Student's t with large df lives there).
		 */
		v = beta_front(a, b, x, y) * beta_cf(a, b, x, y) / a;
		*w = v;
		*w1 = 1 - v;
	} else {
		v = beta_front(b, a, y, x) * beta_cf(b, a, y, x) / b;
		*w = 1 - v;
		*w1 = v;
	}
}

double
bp_betainc(double a, double b, double x)
{
	double w, w1;

	if (isnan(a) || isnan(b) || isnan(x) || !(a > 0) || !(b > 0) ||
	    x < 0 || x > 1 || isinf(a) || isinf(b))
		return NAN;
	beta_inc2(a, b, x, 1 - x, &w, &w1);
	return w;
}

/*
 * For s >= 0: *tail = P(T < -s) and *centre = P(0 < T < s), each computed
 * without subtracting it from the other.
 */
static void
t_split(double s, double df, double *tail, double *centre)
{
	double r, x, y, w, w1;

	if (s > df) {
		r = df / (s * s);
		x = r / (1 + r);
		y = 1 / (1 + r);
	} else {
		r = s * s / df;
		x = 1 / (1 + r);
		y = r / (1 + r);
	}
	beta_inc2(df / 2, 0.5, x, y, &w, &w1);
	*tail = 0.5 * w;
	*centre = 0.5 * w1;
}

/* Beyond this |t| (with df well below its square) the tail is a power. */
#define T_FAR 1e150

/* ln P(T < -s), by the power law where s * s would overflow. */
static double
t_logtail(double s, double df)
{
	double tail, centre;

	if (s > T_FAR && df < 1e280)
		return (df - 2) / 2 * log(df) - lbeta(df / 2, 0.5) -
		    df * log(s);
	t_split(s, df, &tail, &centre);
	return log(tail);
}

static double
t_pdf(double t, double df)
{
	return exp(-(df + 1) / 2 * log1p(t / df * t) - 0.5 * log(df) -
	    lbeta(df / 2, 0.5));
}

double
bp_t_cdf(double t, double df)
{
	double tail, centre;

	if (isnan(t) || isnan(df) || !(df > 0))
		return NAN;
	if (isinf(df))
		return bp_norm_cdf(t);
	if (isinf(t))
		return t > 0;
	if (fabs(t) > T_FAR) {
		tail = exp(t_logtail(fabs(t), df));
		return t < 0 ? tail : 1 - tail;
	}
	t_split(fabs(t), df, &tail, &centre);
	return t < 0 ? tail : 0.5 + centre;
}

double
bp_norm_cdf(double x)
{
	if (isnan(x))
		return NAN;
	return 0.5 * erfc(-x / M_SQRT2);
}

/*
 * An increasing function whose root a quantile is: f(x) and f'(x).  The
 * context carries the probability and the degrees of freedom.
 */
struct froot {
	double p;	/* the probability, or for centred forms 1/2 - p */
	double df;
	double (*f)(const struct froot *r, double x, double *deriv);
};

/*
 * Newton's method from x inside the bracket [lo, hi] (f(lo) <= 0 <= f(hi)),
 * bisecting whenever a step would leave it; stops when a step is below
 * tol (relative to |x| where |x| > 1).
 */
static double
solve(const struct froot *r, double x, double lo, double hi, double tol)
{
	double fx, d, next;
	int i;

	for (i = 0; i < 200; i++) {
		fx = r->f(r, x, &d);
		if (isnan(fx))
			return NAN;
		if (fx == 0)
			return x;
		if (fx < 0)
			lo = x;
		else
			hi = x;
		next = d > 0 && isfinite(d) ? x - fx / d : NAN;
		if (!(next > lo && next < hi))
			next = lo + (hi - lo) / 2;
		if (fabs(next - x) <= tol * fmax(1, fabs(x))) {
			/* one more step: Newton doubles the digits */
			fx = r->f(r, next, &d);
			if (fx != 0 && d > 0 && isfinite(d)) {
				x = next - fx / d;
				if (x > lo && x < hi)
					return x;
			}
			return next;
		}
		if (next == lo || next == hi)
			return next;
		x = next;
	}
	return x;
}

/* ln Phi(x) - ln p for x < 0, p < 1/4. */
static double
norm_tail(const struct froot *r, double x, double *deriv)
{
	double c = bp_norm_cdf(x);

	*deriv = exp(-x * x / 2 - LN_SQRT_2PI) / c;
	return log(c) - log(r->p);
}

/* Phi(x) - 1/2 + (1/2 - p), by erf, for 1/4 <= p < 1/2. */
static double
norm_centre(const struct froot *r, double x, double *deriv)
{
	*deriv = exp(-x * x / 2 - LN_SQRT_2PI);
	return 0.5 * erf(x / M_SQRT2) + r->p;
}

double
bp_norm_quantile(double p)
{
	struct froot r;
	double t, x;

	if (isnan(p) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	if (p > 0.5)
		return -bp_norm_quantile(1 - p);	/* 1 - p is exact */
	/* start within 4.5e-4 (Abramowitz and Stegun 26.2.23) */
	t = sqrt(-2 * log(p));
	x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
	    (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
	if (p >= 0.25) {
		r = (struct froot){ .p = 0.5 - p, .f = norm_centre };
		return solve(&r, fmin(fmax(x, -1), 0), -1, 0, 1e-15);
	}
	r = (struct froot){ .p = p, .f = norm_tail };
	return solve(&r, fmax(x, -39), -39, 0, 1e-15);
}

/* ln p - ln P(T < -e^u): the tail solved in u = ln s. */
static double
t_tail(const struct froot *r, double u, double *deriv)
{
	double s = exp(u), lt = t_logtail(s, r->df);

	*deriv = s > T_FAR ? r->df : t_pdf(s, r->df) * s / exp(lt);
	return log(r->p) - lt;
}

/* P(0 < T < s) - (1/2 - p). */
static double
t_centre(const struct froot *r, double s, double *deriv)
{
	double tail, centre;

	t_split(s, r->df, &tail, &centre);
	*deriv = t_pdf(s, r->df);
	return centre - r->p;
}

/* Cornish-Fisher start (Abramowitz and Stegun 26.7.5) for s = -t > 0. */
static double
t_start(double p, double df)
{
	double z = bp_norm_quantile(p), z2 = z * z, t;

	t = z + z * (z2 + 1) / (4 * df) +
	    z * ((5 * z2 + 16) * z2 + 3) / (96 * df * df) +
	    z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * df * df * df) +
	    z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) /
	    (92160 * df * df * df * df);
	return t < 0 && isfinite(t) ? -t : -z;
}

double
bp_t_quantile(double p, double df)
{
	struct froot r = { .df = df };
	double s, lo, hi, d;

	if (isnan(p) || isnan(df) || !(df > 0) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	if (p > 0.5)
		return -bp_t_quantile(1 - p, df);	/* 1 - p is exact */
	if (isinf(df))
		return bp_norm_quantile(p);
	if (df == 1)	/* Cauchy; 1/2 - p is exact from 1/4 up */
		return p < 0.25 ? -1 / tan(M_PI * p) : -tan(M_PI * (0.5 - p));
	if (df == 2)
		return (2 * p - 1) / sqrt(2 * p * (1 - p));
	s = t_start(p, df);
	if (p >= 0.25) {
		r.p = 0.5 - p;
		r.f = t_centre;
		hi = s;
		while (r.f(&r, hi, &d) < 0)
			hi *= 2;
		return -solve(&r, s, 0, hi, 1e-15);
	}
	/* in u = ln s the far tail is a straight line */
	r.p = p;
	r.f = t_tail;
	lo = hi = log(s);
	while (r.f(&r, lo, &d) > 0)
		lo -= 1;
	while (r.f(&r, hi, &d) < 0) {
		if (hi >= 709)
			return -INFINITY;	/* beyond the doubles */
		hi = fmin(hi + (hi > 0 ? hi : 1), 709);
	}
	return -exp(solve(&r, log(s), lo, hi, 1e-15));
}

double
bp_binom_cdf(double k, double n, double p)
{
	double w, w1;

	if (isnan(k) || isnan(n) || isnan(p) || n < 0 || n != floor(n) ||
	    isinf(n) || p < 0 || p > 1)
		return NAN;
	k = floor(k);
	if (k < 0)
		return 0;
	if (k >= n || p == 0)
		return 1;
	if (p == 1)
		return 0;
	/* P(X <= k) = I_{1-p}(n - k, k + 1) */
	beta_inc2(n - k, k + 1, 1 - p, p, &w, &w1);
	return w;
}
