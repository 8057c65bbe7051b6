package main

// The coefficient table of lanes fit --summary: a linreg.Inference
// printed as R prints summary(lm()) and confint(), with R's rules for
// numbers (format, formatC, signif, format.pval, printCoefmat), so that
// the output reads, digit for digit, as R's does for the same numbers.

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lanes-go/lanes/linreg"
)

// The digits of R's print.summary.lm: max(3, getOption("digits") − 3)
// with the default 7, and printCoefmat's digits of the t statistics and
// p-values, max(1, min(5, digits − 1)).
const (
	summaryDigits = 4
	testDigits    = 3
	printDigits   = 7 // R's getOption("digits"), for confint and logLik
)

// doubleEps is .Machine$double.eps, below which R prints a p-value as
// "< 2e-16".
const doubleEps = 0x1p-52

// writeInference prints inf as R's print(summary(lm())) prints its
// coefficient table and the lines after it, then what R's summary lacks:
// the confidence intervals (as print(confint())), the log-likelihood,
// AIC and BIC, the condition number, and which standard errors were
// used. At most maxTerms columns are shown, after the intercept.
func writeInference(w io.Writer, inf *linreg.Inference, maxTerms int) {
	terms := inf.Terms
	more := 0
	for i, t := range terms {
		if t.Column >= maxTerms {
			terms, more = terms[:i], len(terms)-i
			break
		}
	}
	aliased := 0
	for _, t := range inf.Terms {
		if t.Aliased {
			aliased++
		}
	}
	switch {
	case len(inf.Terms) == 0:
		fmt.Fprint(w, "\nNo Coefficients\n")
	case aliased > 0:
		fmt.Fprintf(w, "\nCoefficients: (%d not defined because of singularities)\n", aliased)
	default:
		fmt.Fprint(w, "\nCoefficients:\n")
	}
	if len(inf.Terms) > 0 {
		writeCoefTable(w, terms, more)
	}

	fmt.Fprintf(w, "\nResidual standard error: %s on %d degrees of freedom\n",
		formatR([]float64{signif(inf.RSE, summaryDigits)}, nil, printDigits, true)[0], inf.DF)
	// R prints R² and F only when there is a coefficient besides the
	// intercept (summary.lm leaves fstatistic out otherwise).
	if inf.FDF1 > 0 {
		fmt.Fprintf(w, "Multiple R-squared:  %s,\tAdjusted R-squared:  %s \n",
			formatC(inf.R2, summaryDigits), formatC(inf.AdjR2, summaryDigits))
		fmt.Fprintf(w, "F-statistic: %s on %d and %d DF,  p-value: %s\n",
			formatC(inf.F, summaryDigits), inf.FDF1, inf.FDF2, formatPval1(inf.FP, summaryDigits))
	}
	if inf.Cov != "" && inf.Cov != linreg.CovClassical {
		f := ""
		if inf.FDF1 > 0 {
			f = "; the F-statistic is the Wald test with that covariance"
		}
		fmt.Fprintf(w, "Standard errors: heteroskedasticity-consistent (%s)%s\n", strings.ToUpper(string(inf.Cov)), f)
	}
	if inf.PerfectFit {
		fmt.Fprintln(w, "Warning: essentially perfect fit: summary may be unreliable")
	}
	for _, t := range terms {
		if t.Aliased && t.AliasedBy != "" {
			fmt.Fprintf(w, "Not defined: %s (%s)\n", t.Name, t.AliasedBy)
		}
	}

	if len(terms) > 0 {
		fmt.Fprint(w, "\nConfidence intervals:\n")
		writeConfint(w, terms, inf.Level)
		writeMoreTerms(w, more)
	}
	fmt.Fprintf(w, "\nLog-likelihood: %s (df=%d),  AIC: %s,  BIC: %s\n",
		formatR([]float64{inf.LogLik}, nil, printDigits, true)[0], inf.Params+1,
		formatR([]float64{inf.AIC}, nil, printDigits, true)[0],
		formatR([]float64{inf.BIC}, nil, printDigits, true)[0])
	fmt.Fprintf(w, "Condition number (standardised): %s\n", formatR([]float64{inf.Cond}, nil, summaryDigits, true)[0])
}

// writeMoreTerms says how many terms the tables leave out, if any.
func writeMoreTerms(w io.Writer, more int) {
	if more > 0 {
		fmt.Fprintf(w, "  … %d more terms (all are in the model file of --out)\n", more)
	}
}

// writeCoefTable is R's printCoefmat for the columns Estimate, Std.
// Error, t value and Pr(>|t|), digits 4, with the significance stars and
// their legend; aliased terms print NA, other values that do not exist
// NaN. A line after the rows says how many more terms there are.
func writeCoefTable(w io.Writer, terms []linreg.Term, more int) {
	n := len(terms)
	est, se, tv, pv := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	na := make([]bool, n)
	for i, t := range terms {
		est[i], se[i], tv[i], pv[i], na[i] = t.Estimate, t.StdErr, t.T, t.P, t.Aliased
	}
	cells := [][]string{make([]string, n), make([]string, n), make([]string, n), make([]string, n)}

	// Estimates and standard errors: one format for both columns, after
	// rounding to as many decimals as the smallest value needs for four
	// significant digits.
	cs := append(append([]float64(nil), est...), se...)
	csNA := append(append([]bool(nil), na...), na...)
	finite, lo := false, math.Inf(1)
	for i, v := range cs {
		if !csNA[i] && isFinite(v) {
			finite = true
			if v != 0 {
				lo = min(lo, math.Abs(v))
			}
		}
	}
	if finite {
		digmin := 1
		if !math.IsInf(lo, 1) {
			digmin = 1 + int(math.Floor(math.Log10(lo)))
		}
		places := max(1, summaryDigits-digmin)
		rounded := make([]float64, len(cs))
		for i, v := range cs {
			rounded[i] = roundR(v, places)
		}
		f := formatR(rounded, csNA, summaryDigits, true)
		copy(cells[0], f[:n])
		copy(cells[1], f[n:])
	}
	rounded := make([]float64, n)
	for i, v := range tv {
		rounded[i] = roundR(v, testDigits)
	}
	cells[2] = formatR(rounded, na, summaryDigits, true)

	// A value that is not 0 must not print as 0: those get a format of
	// their own with a digit less.
	var fix []float64
	var at [][2]int
	for c, col := range [][]float64{est, se} {
		for i, v := range col {
			if na[i] || math.IsNaN(v) {
				continue
			}
			shown, err := strconv.ParseFloat(strings.TrimSpace(cells[c][i]), 64)
			if err == nil && (v == 0) != (shown == 0) {
				fix = append(fix, v)
				at = append(at, [2]int{c, i})
			}
		}
	}
	if len(fix) > 0 {
		for k, s := range formatR(fix, nil, summaryDigits-1, true) {
			cells[at[k][0]][at[k][1]] = s
		}
	}
	for i := range terms {
		for c, v := range []float64{est[i], se[i], tv[i], pv[i]} {
			switch {
			case na[i]:
				cells[c][i] = "NA"
			case math.IsNaN(v):
				cells[c][i] = "NaN"
			}
		}
	}

	// P-values, and the stars when one of them is below 0.1.
	var okP []float64
	var okRows []int
	stars := false
	for i, p := range pv {
		if !na[i] && !math.IsNaN(p) {
			okP, okRows = append(okP, p), append(okRows, i)
			stars = stars || p < 0.1
		}
	}
	for k, s := range formatPval(okP, testDigits, doubleEps) {
		cells[3][okRows[k]] = s
	}
	header := []string{"Estimate", "Std. Error", "t value", "Pr(>|t|)"}
	if stars {
		codes := make([]string, n)
		width := 0
		for _, i := range okRows {
			codes[i] = linreg.Stars(pv[i])
			width = max(width, len(codes[i]))
		}
		for i := range codes {
			codes[i] += strings.Repeat(" ", width-len(codes[i])) // format() of a character vector: left-justified
		}
		cells = append(cells, codes)
		header = append(header, "")
	}
	names := make([]string, n)
	for i, t := range terms {
		names[i] = t.Name
	}
	writeMatrix(w, names, header, cells)
	writeMoreTerms(w, more)
	if stars {
		fmt.Fprint(w, "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n")
	}
}

// writeConfint prints the intervals as R prints confint(): columns named
// by their percentages, each column formatted on its own with 7 digits.
func writeConfint(w io.Writer, terms []linreg.Term, level float64) {
	n := len(terms)
	lower, upper := make([]float64, n), make([]float64, n)
	na := make([]bool, n)
	for i, t := range terms {
		lower[i], upper[i], na[i] = t.Lower, t.Upper, t.Aliased
	}
	a := (1 - level) / 2
	pct := formatR([]float64{100 * a, 100 * (1 - a)}, nil, 3, false)
	header := []string{strings.TrimSpace(pct[0]) + " %", strings.TrimSpace(pct[1]) + " %"}
	names := make([]string, n)
	for i, t := range terms {
		names[i] = t.Name
	}
	writeMatrix(w, names, header, [][]string{formatR(lower, na, printDigits, true), formatR(upper, na, printDigits, true)})
}

// writeMatrix prints a table as R's print.default prints a character
// matrix with quote = FALSE and right = TRUE: row names left-justified,
// then every column, headed by its name, right-justified to its widest
// cell, one space between columns.
func writeMatrix(w io.Writer, rows, header []string, cols [][]string) {
	rw := 0
	for _, r := range rows {
		rw = max(rw, width(r))
	}
	widths := make([]int, len(cols))
	for c, col := range cols {
		widths[c] = width(header[c])
		for _, s := range col {
			widths[c] = max(widths[c], width(s))
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", rw))
	for c, h := range header {
		b.WriteString(" " + padLeft(h, widths[c]))
	}
	b.WriteString("\n")
	for i, r := range rows {
		b.WriteString(r + strings.Repeat(" ", rw-width(r)))
		for c, col := range cols {
			b.WriteString(" " + padLeft(col[i], widths[c]))
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

func width(s string) int { return utf8.RuneCountInString(s) }

func padLeft(s string, w int) string { return strings.Repeat(" ", max(0, w-width(s))) + s }

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// roundR is R's round(x, places): the double nearest x rounded to that
// many decimals.
func roundR(x float64, places int) float64 {
	if !isFinite(x) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', places, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// signif is R's signif(x, digits).
func signif(x float64, digits int) float64 {
	if !isFinite(x) || x == 0 {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'e', digits-1, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// formatC is R's formatC(x, digits = digits): C's %.<digits>g, with R's
// names of the values that are not finite.
func formatC(x float64, digits int) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', digits, 64)
}

// rScientific is R's scientific() of finite x for digits significant
// digits: the sign, the decimal exponent of x rounded to those digits,
// how many of them are significant (without trailing zeros), and whether
// that rounding gained a digit left of the point that fixed notation
// would not show (9996 is 1.00e+04 with three digits, but 9996 fixed).
func rScientific(x float64, digits int) (neg bool, kpower, nsig int, widens bool) {
	if x == 0 {
		return false, 0, 1, false
	}
	neg, r := x < 0, math.Abs(x)
	s := strconv.FormatFloat(r, 'e', digits-1, 64) // d.ddde±xx
	e := strings.IndexByte(s, 'e')
	kpower, _ = strconv.Atoi(s[e+1:])
	mant := strings.Replace(s[:e], ".", "", 1)
	nsig = len(strings.TrimRight(mant, "0"))
	if nsig == 0 {
		nsig = 1
	}
	const kpMax = 22
	rgt := min(max(digits-kpower, 0), kpMax)
	fuzz := 0.5 / math.Pow10(rgt)
	widens = kpower > 0 && kpower <= kpMax && r < math.Pow10(kpower)-fuzz
	return neg, kpower, nsig, widens
}

// formatR is R's format(x, digits = digits) of a numeric vector: one
// format for all its elements, fixed notation unless scientific is
// shorter (and allowed: sci false is format(..., scientific = FALSE)),
// with as many decimals as the element that needs most for digits
// significant digits, every element right-justified to the common width.
// Elements marked in na (may be nil) print NA, other NaN NaN, and ±Inf
// Inf and -Inf. Negative zero prints as 0.
func formatR(xs []float64, na []bool, digits int, sci bool) []string {
	isNA := func(i int) bool { return na != nil && na[i] }
	var (
		naFlag, nanFlag, posInf, negInf, anyNeg bool
		mxl, rgt, mxsl, mxns                    = math.MinInt, math.MinInt, math.MinInt, math.MinInt
		mnl                                     = math.MaxInt
	)
	for i, x := range xs {
		switch {
		case isNA(i):
			naFlag = true
		case math.IsNaN(x):
			nanFlag = true
		case math.IsInf(x, 1):
			posInf = true
		case math.IsInf(x, -1):
			negInf = true
		default:
			neg, kpower, nsig, widens := rScientific(x, digits)
			left := kpower + 1
			if widens {
				left--
			}
			sleft := left
			if left <= 0 {
				sleft = 1
			}
			if neg {
				sleft++
				anyNeg = true
			}
			rgt = max(rgt, nsig-left)
			mxl, mnl = max(mxl, left), min(mnl, left)
			mxsl, mxns = max(mxsl, sleft), max(mxns, nsig)
		}
	}
	negW := 0
	if anyNeg {
		negW = 1
	}
	var w, d, e int
	if mxns != math.MinInt {
		if mxl < 0 {
			mxsl = 1 + negW
		}
		rgt = max(rgt, 0)
		wF := mxsl + rgt
		if rgt != 0 {
			wF++
		}
		e = 1
		if mxl > 100 || mnl <= -99 {
			e = 2
		}
		d = mxns - 1
		w = negW + d + 4 + e
		if d > 0 {
			w++
		}
		if wF <= w || !sci {
			e, d, w = 0, rgt, wF
		}
	}
	if naFlag {
		w = max(w, 2)
	}
	if nanFlag || posInf {
		w = max(w, 3)
	}
	if negInf {
		w = max(w, 4)
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		if x == 0 {
			x = 0 // no −0
		}
		var s string
		switch {
		case isNA(i):
			s = "NA"
		case math.IsNaN(x):
			s = "NaN"
		case math.IsInf(x, 1):
			s = "Inf"
		case math.IsInf(x, -1):
			s = "-Inf"
		case e != 0:
			s = strconv.FormatFloat(x, 'e', d, 64)
		default:
			s = strconv.FormatFloat(x, 'f', d, 64)
		}
		out[i] = padLeft(s, w)
	}
	return out
}

// formatPval is R's format.pval(pv, digits, eps) of p-values that are
// not NA: those below eps print as "<" and eps; the others are formatted
// together, those of 1e-4 and more (fixed notation, mostly) apart from
// the smaller ones.
func formatPval(pv []float64, digits int, eps float64) []string {
	out := make([]string, len(pv))
	var fixp, expo []float64
	var fixAt, expAt []int
	any0 := false
	for i, p := range pv {
		if p < eps {
			any0 = true
			continue
		}
		e := -50.0
		if p > 0 {
			e = math.Floor(math.Log10(p))
		}
		if e >= -3 || (e == -4 && digits > 1) {
			fixp, fixAt = append(fixp, p), append(fixAt, i)
		} else {
			expo, expAt = append(expo, p), append(expAt, i)
		}
	}
	nc := 0
	for _, g := range []struct {
		p  []float64
		at []int
	}{{fixp, fixAt}, {expo, expAt}} {
		if len(g.p) == 0 {
			continue
		}
		for k, s := range formatR(g.p, nil, digits, true) {
			out[g.at[k]] = s
			nc = max(nc, width(s))
		}
	}
	if any0 {
		d := max(1, digits-2)
		var sep string
		if nc > 0 {
			if d > 1 && d+6 > nc {
				d = max(1, nc-7)
			}
			if d != 1 || nc > 6 {
				sep = " "
			}
		} else if d != 1 {
			sep = " "
		}
		s := "<" + sep + formatR([]float64{eps}, nil, d, true)[0]
		for i, p := range pv {
			if p < eps {
				out[i] = s
			}
		}
	}
	return out
}

// formatPval1 is format.pval of one p-value, NA for NaN.
func formatPval1(p float64, digits int) string {
	if math.IsNaN(p) {
		return "NA"
	}
	return formatPval([]float64{p}, digits, doubleEps)[0]
}
