package linreg

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestInferenceAgainstR compares Model.Inference with R itself: lm,
// summary.lm, confint, logLik, AIC and BIC for the classical covariance,
// sandwich::vcovHC for HC0–HC3. The Go side writes every data set to a
// temporary directory (the values as raw little-endian float64, so that R
// reads exactly the bits lanes fits), one Rscript run (vsRScript below)
// fits them all and prints one line per number, and every number of
// every term and every overall statistic is compared, each difference
// reported with its data set, covariance, term and quantity.
//
// The whole test takes about half a second (Rscript starts once; loading
// sandwich is most of it), so it runs in -short mode too. Under emulation
// it is skipped: R is a native program, and the native run has compared
// the same numbers already.
func TestInferenceAgainstR(t *testing.T) {
	if emulated() {
		t.Skip("under emulation (LANES_TEST_EXEC): the native run compares with R")
	}
	const missing = "R (r-base-core, r-cran-sandwich) must be installed in CI: .ci/install-deps installs it"
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Rscript not found: %s", missing)
		}
		t.Skip("Rscript not found: install r-base-core and r-cran-sandwich to compare with R")
	}

	sets := vsRSets(t)
	dir := t.TempDir()
	if err := vsRWrite(dir, sets); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "inference.R")
	if err := os.WriteFile(script, []byte(vsRScript), 0o644); err != nil {
		t.Fatal(err)
	}
	// No site or user profile: they could print to stdout. The user's
	// .Renviron is still read, in case it is what puts sandwich on the
	// library path.
	cmd := exec.CommandContext(t.Context(), rscript, "--no-site-file", "--no-init-file", script, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == vsRNoSandwich {
		if os.Getenv("CI") == "true" {
			t.Fatalf("R has no sandwich package: %s", missing)
		}
		t.Skip("R has no sandwich package: install r-cran-sandwich (or install.packages(\"sandwich\")) to compare with R")
	}
	if err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s\nstdout:\n%s", rscript, script, err, stderr.Bytes(), out)
	}
	results, version, err := vsRParse(out)
	if err != nil {
		t.Fatalf("parsing R's output: %v\noutput:\n%s", err, out)
	}
	t.Logf("compared with %s", version)

	for _, s := range sets {
		for _, cov := range vsRCovs {
			want, ok := results[s.name+" "+string(cov)]
			if !ok {
				t.Errorf("%s %s: R printed nothing", s.name, cov)
				continue
			}
			vsRCompare(t, s, cov, want)
		}
	}
}

var vsRCovs = []Cov{CovClassical, CovHC0, CovHC1, CovHC2, CovHC3}

// vsRNoSandwich is the exit status of vsRScript when R has no sandwich
// package.
const vsRNoSandwich = 3

// vsRSet is a data set of the comparison: X row-major, n × p.
type vsRSet struct {
	name        string
	x, y        []float64
	n, p        int
	features    []string // nil: the default names x0, x1, …
	noIntercept bool
	level       float64
	aliased     []string // the columns R reports as NA
}

// names returns the column names, the default ones if the set has none.
func (s vsRSet) names() []string {
	if s.features != nil {
		return s.features
	}
	names := make([]string, s.p)
	for j := range names {
		names[j] = fmt.Sprintf("x%d", j)
	}
	return names
}

// vsRSets returns the data sets:
//
//   - cars: R's datasets::cars (testdata/cars.csv, written by R's
//     write.csv), dist ~ speed.
//   - wide: 200 rows, 4 correlated columns of scales 1e-3, 1, 1e3 and
//     1 around 1e4 (a column nearly collinear with the intercept, as real
//     data with an offset is), noise whose spread grows with x2 and z²,
//     so that the sandwich covariances differ from the classical one.
//   - nointercept: the same without intercept (y ~ 0 + .), R² about 0;
//     level 0.99.
//   - rankdef: 60 rows, x3 = x1 + 2·x2 exactly (x1, x2 multiples of
//     2⁻⁸, so the sum has no rounding), and x4: R reports x3 as NA.
//   - small: 3 columns and 6 rows, n = p + 2 with the intercept counted,
//     2 residual degrees of freedom (leverages up to ≈ 0.9, which HC2
//     and HC3 magnify); default names x0, x1, x2; level 0.9.
func vsRSets(t *testing.T) []vsRSet {
	var sets []vsRSet
	sets = append(sets, vsRCars(t))

	rng := rand.New(rand.NewPCG(20250611, 1))
	const n, p = 200, 4
	x := make([]float64, 0, n*p)
	y := make([]float64, 0, n)
	for range n {
		z := rng.NormFloat64()
		x1 := 1e-3 * (z + 0.6*rng.NormFloat64())
		x2 := 0.8*z + rng.NormFloat64()
		x3 := 1e3 * (-0.5*z + rng.NormFloat64())
		x4 := 1e4 + 0.7*z + 0.5*rng.NormFloat64()
		sd := 0.3 + math.Abs(x2) + 0.5*z*z
		x = append(x, x1, x2, x3, x4)
		y = append(y, 5+2000*x1-1.5*x2+0.002*x3+0.8*x4+sd*rng.NormFloat64())
	}
	names := []string{"x1", "x2", "x3", "x4"}
	sets = append(sets,
		vsRSet{name: "wide", x: x, y: y, n: n, p: p, features: names, level: 0.95},
		vsRSet{name: "nointercept", x: x, y: y, n: n, p: p, features: names, noIntercept: true, level: 0.99})

	rng = rand.New(rand.NewPCG(20250611, 2))
	const nd = 60
	x = make([]float64, 0, nd*p)
	y = make([]float64, 0, nd)
	for range nd {
		x1 := math.Round(256*rng.NormFloat64()) / 256
		x2 := math.Round(256*rng.NormFloat64()) / 256
		x4 := rng.NormFloat64()
		x = append(x, x1, x2, x1+2*x2, x4)
		y = append(y, 1+x1-x2+0.5*x4+(0.5+math.Abs(x1))*rng.NormFloat64())
	}
	sets = append(sets, vsRSet{name: "rankdef", x: x, y: y, n: nd, p: p, features: names, level: 0.95, aliased: []string{"x3"}})

	rng = rand.New(rand.NewPCG(20250611, 3))
	const ns, ps = 6, 3
	x = make([]float64, 0, ns*ps)
	y = make([]float64, 0, ns)
	for range ns {
		x0, x1, x2 := rng.NormFloat64(), 10+rng.NormFloat64(), rng.NormFloat64()
		x = append(x, x0, x1, x2)
		y = append(y, 2+x0-0.5*x1+x2+0.3*rng.NormFloat64())
	}
	sets = append(sets, vsRSet{name: "small", x: x, y: y, n: ns, p: ps, level: 0.9})
	return sets
}

// vsRCars reads testdata/cars.csv: speed (mph) and stopping distance
// (ft) of 50 cars, Ezekiel (1930), as R's datasets::cars has them.
func vsRCars(t *testing.T) vsRSet {
	f, err := os.Open(filepath.Join("testdata", "cars.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("testdata/cars.csv: %v", err)
	}
	if len(records) != 51 || !slices.Equal(records[0], []string{"speed", "dist"}) {
		t.Fatalf("testdata/cars.csv: want the header speed,dist and 50 rows, got %d lines starting %q", len(records), records[0])
	}
	s := vsRSet{name: "cars", n: 50, p: 1, features: []string{"speed"}, level: 0.95}
	for i, r := range records[1:] {
		speed, err1 := strconv.ParseFloat(r[0], 64)
		dist, err2 := strconv.ParseFloat(r[1], 64)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("testdata/cars.csv line %d: %v", i+2, err)
		}
		s.x = append(s.x, speed)
		s.y = append(s.y, dist)
	}
	return s
}

// vsRWrite writes sets.txt, one line per set: name, n, p, 1 with an
// intercept (0 without), the level and the column names; and for each set
// <name>.bin, its n rows of x then y as little-endian float64.
func vsRWrite(dir string, sets []vsRSet) error {
	var manifest strings.Builder
	for _, s := range sets {
		intercept := 1
		if s.noIntercept {
			intercept = 0
		}
		fmt.Fprintf(&manifest, "%s %d %d %d %s %s\n", s.name, s.n, s.p, intercept,
			strconv.FormatFloat(s.level, 'g', -1, 64), strings.Join(s.names(), " "))
		buf := make([]byte, 0, 8*s.n*(s.p+1))
		for i := range s.n {
			for _, v := range s.x[i*s.p : (i+1)*s.p] {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(s.y[i]))
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".bin"), buf, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "sets.txt"), []byte(manifest.String()), 0o644)
}

// vsRScript fits every set of sets.txt in the directory of its argument
// and prints, for each set and covariance, lines
//
//	SET <set> COV <cov> STAT <KEY> <value>
//	SET <set> COV <cov> TERM <name> <aliased 0|1> <estimate> <se> <t> <p> <lower> <upper>
//
// the terms in R's order (the intercept, then the columns), every number
// as sprintf("%.17g") and NA or NaN as NaN; and first a line VERSION
// with R's and sandwich's versions.
//
// Classical: the coefficient table of summary.lm, confint(fit, level),
// and summary.lm's sigma, r.squared, adj.r.squared and fstatistic
// (its p-value by pf, as print.summary.lm computes it). HC0–HC3: V =
// sandwich::vcovHC(type), t = b/se with p on df.residual (as
// lmtest::coeftest does), the interval b + qt(c(a, 1 − a), df)·se
// (confint.lm's formula), and the Wald statistic b'V⁻¹b/q over the q
// coefficients other than the intercept, on q and df.residual degrees of
// freedom. R², the log-likelihood, AIC, BIC and the rest do not depend on
// the covariance and are printed for each.
//
// vcovHC is not applied to the fit itself: it forms bread·meat·bread
// from XᵀX-sized matrices, and with a column of mean 1e4 and spread 1
// beside the intercept (the wide set) the product cancels about 7 of the
// 16 digits (its standard errors there are off by up to 1.6e-7, relative,
// even with type "const", where summary.lm's agree with an exact
// computation to 3e-14). So V is vcovHC of the same model reparametrised,
// X·A = Z: the estimated columns centred (with an intercept) and scaled
// to unit mean square, V = A·vcovHC(lm(y ~ Z))·Aᵀ. The HC covariances
// are equivariant under such a change (same residuals, same leverages,
// same n − k), so this is vcovHC's definition computed without the
// cancellation. The script checks it twice: against vcovHC of the fit
// itself to 1e-5 (the same definition, the raw route's rounding aside),
// and against the sandwich in QR form, R⁻¹·Qᵀ·diag(ω·e²)·Q·R⁻ᵀ with X =
// QR (no cancellation either), to 1e-10.
//
// vcovHC drops aliased coefficients and computes the sandwich of the
// model without them (HC1's n/(n − k) with k the rank), which is what
// lanes must do, so the rank-deficient set is compared under HC too.
//
// COND is the condition number Inference.Cond documents: the estimated
// columns (aliased ones left out), centred if there is an intercept,
// scaled to unit mean square (Z above), and the ratio of its largest to
// its smallest singular value (√(λmax/λmin) of their correlation matrix,
// computed without forming it).
const vsRScript = `
if (!suppressPackageStartupMessages(requireNamespace("sandwich", quietly = TRUE))) {
  message("R has no sandwich package")
  quit(save = "no", status = 3)
}
dir <- commandArgs(trailingOnly = TRUE)[1]
num <- function(x) if (is.na(x)) "NaN" else sprintf("%.17g", x)
cat("VERSION", R.version.string, "sandwich", format(packageVersion("sandwich")), "\n")
for (line in readLines(file.path(dir, "sets.txt"))) {
  f <- strsplit(line, " ", fixed = TRUE)[[1]]
  name <- f[1]; n <- as.integer(f[2]); p <- as.integer(f[3])
  intercept <- f[4] == "1"; level <- as.numeric(f[5]); cols <- f[-(1:5)]
  con <- file(file.path(dir, paste0(name, ".bin")), "rb")
  v <- readBin(con, "double", n * (p + 1), size = 8, endian = "little")
  close(con)
  stopifnot(length(v) == n * (p + 1), length(cols) == p)
  d <- as.data.frame(matrix(v, nrow = n, ncol = p + 1, byrow = TRUE))
  names(d) <- c(cols, "y")
  fit <- lm(if (intercept) y ~ . else y ~ 0 + ., data = d)
  s <- summary(fit)
  b <- coef(fit)
  terms <- names(b)
  est <- !is.na(b)
  df <- fit$df.residual
  a <- (1 - level) / 2
  fac <- qt(c(a, 1 - a), df)

  # Z: the estimated columns, centred with an intercept, scaled to unit
  # mean square; the model on Z is the model on X, reparametrised by A.
  Xe <- model.matrix(fit)[, est & terms != "(Intercept)", drop = FALSE]
  ctr <- if (intercept) colMeans(Xe) else rep(0, ncol(Xe))
  Z <- sweep(Xe, 2, ctr)
  scl <- sqrt(colMeans(Z^2))
  Z <- sweep(Z, 2, scl, "/")
  sv <- svd(Z, nu = 0, nv = 0)$d
  cond <- if (ncol(Z) == 0) NaN else max(sv) / min(sv)
  fz <- if (intercept) lm(d$y ~ Z) else lm(d$y ~ 0 + Z)
  stopifnot(fz$rank == sum(est))
  A <- diag(1 / scl, ncol(Z))
  if (intercept) A <- rbind(c(1, -ctr / scl), cbind(0, A))
  # The QR form of the sandwich, for the check below.
  qx <- qr(model.matrix(fit)[, est, drop = FALSE])
  stopifnot(qx$rank == sum(est), qx$pivot == seq_len(sum(est)))
  Q <- qr.Q(qx); Ri <- backsolve(qr.R(qx), diag(sum(est)))
  e <- residuals(fit); h <- rowSums(Q^2)

  for (cov in c("classical", "hc0", "hc1", "hc2", "hc3")) {
    se <- tv <- pv <- lo <- hi <- setNames(rep(NA_real_, length(b)), terms)
    if (cov == "classical") {
      ct <- s$coefficients
      se[rownames(ct)] <- ct[, 2]; tv[rownames(ct)] <- ct[, 3]; pv[rownames(ct)] <- ct[, 4]
      ci <- confint(fit, level = level)
      lo[] <- ci[terms, 1]; hi[] <- ci[terms, 2]
      fs <- s$fstatistic
      Fv <- if (is.null(fs)) NaN else fs[[1]]
      q <- sum(est) - intercept
      Fp <- if (is.null(fs)) NaN else pf(fs[[1]], fs[[2]], fs[[3]], lower.tail = FALSE)
      if (!is.null(fs)) stopifnot(fs[[2]] == q, fs[[3]] == df)
    } else {
      V <- A %*% sandwich::vcovHC(fz, type = toupper(cov)) %*% t(A)
      k <- terms[est]
      dimnames(V) <- list(k, k)
      relse <- function(W) max(abs(sqrt(diag(W)) - sqrt(diag(V))) / sqrt(diag(V)))
      raw <- sandwich::vcovHC(fit, type = toupper(cov))
      stopifnot(identical(rownames(raw), k), relse(raw) < 1e-5)
      w <- switch(cov, hc0 = 1, hc1 = n / df, hc2 = 1 / (1 - h), hc3 = 1 / (1 - h)^2)
      stopifnot(relse(Ri %*% crossprod(Q * (e * sqrt(w))) %*% t(Ri)) < 1e-10)
      se[k] <- sqrt(diag(V))
      tv <- b / se
      pv <- 2 * pt(abs(tv), df, lower.tail = FALSE)
      lo <- b + fac[1] * se; hi <- b + fac[2] * se
      k <- setdiff(k, "(Intercept)")
      q <- length(k)
      Fv <- if (q == 0) NaN else drop(t(b[k]) %*% solve(V[k, k], b[k])) / q
      Fp <- if (q == 0) NaN else pf(Fv, q, df, lower.tail = FALSE)
    }
    pre <- paste("SET", name, "COV", cov)
    stat <- function(key, x) cat(pre, "STAT", key, num(x), "\n")
    stat("ROWS", nobs(fit)); stat("PARAMS", fit$rank); stat("DF", df)
    stat("RSE", s$sigma); stat("R2", s$r.squared); stat("ADJR2", s$adj.r.squared)
    stat("F", Fv); stat("FDF1", q); stat("FDF2", df); stat("FP", Fp)
    stat("LOGLIK", as.numeric(logLik(fit))); stat("AIC", AIC(fit)); stat("BIC", BIC(fit))
    stat("COND", cond)
    for (j in seq_along(terms)) {
      cat(pre, "TERM", terms[j], if (est[j]) 0 else 1,
          num(b[[j]]), num(se[[j]]), num(tv[[j]]), num(pv[[j]]), num(lo[[j]]), num(hi[[j]]), "\n")
    }
  }
}
`

// vsRTerm is one TERM line of vsRScript.
type vsRTerm struct {
	name                        string
	aliased                     bool
	est, se, t, p, lower, upper float64
}

// vsRResult is what R printed for one set and covariance.
type vsRResult struct {
	stats map[string]float64
	terms []vsRTerm
}

// vsRParse reads vsRScript's output into results keyed by "<set> <cov>",
// and returns its VERSION line.
func vsRParse(out []byte) (map[string]*vsRResult, string, error) {
	results := map[string]*vsRResult{}
	version := ""
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "VERSION" {
			version = strings.Join(f[1:], " ")
			continue
		}
		if len(f) < 6 || f[0] != "SET" || f[2] != "COV" {
			return nil, "", fmt.Errorf("line %d: unexpected %q", i+1, line)
		}
		key := f[1] + " " + f[3]
		r := results[key]
		if r == nil {
			r = &vsRResult{stats: map[string]float64{}}
			results[key] = r
		}
		nums := func(ss []string) ([]float64, error) {
			v := make([]float64, len(ss))
			for k, s := range ss {
				var err error
				if v[k], err = strconv.ParseFloat(s, 64); err != nil {
					return nil, fmt.Errorf("line %d: %v", i+1, err)
				}
			}
			return v, nil
		}
		switch f[4] {
		case "STAT":
			if len(f) != 7 {
				return nil, "", fmt.Errorf("line %d: want SET s COV c STAT KEY value, got %q", i+1, line)
			}
			v, err := nums(f[6:])
			if err != nil {
				return nil, "", err
			}
			r.stats[f[5]] = v[0]
		case "TERM":
			if len(f) != 13 {
				return nil, "", fmt.Errorf("line %d: want SET s COV c TERM name aliased and 6 numbers, got %q", i+1, line)
			}
			v, err := nums(f[7:])
			if err != nil {
				return nil, "", err
			}
			r.terms = append(r.terms, vsRTerm{name: f[5], aliased: f[6] == "1",
				est: v[0], se: v[1], t: v[2], p: v[3], lower: v[4], upper: v[5]})
		default:
			return nil, "", fmt.Errorf("line %d: unexpected %q", i+1, line)
		}
	}
	if version == "" {
		return nil, "", errors.New("no VERSION line")
	}
	return results, version, nil
}

// The tolerances of the comparison: the estimates and everything derived
// from them agree with R's QR to far fewer digits than float64 has only
// when lanes loses them; p-values, computed by different algorithms for
// Student's t and F, are compared absolutely.
const (
	vsRTolCoef = 1e-9  // relative: estimates, standard errors, t, intervals
	vsRTolStat = 1e-10 // relative: RSE, R², adjusted R², F, log-likelihood, AIC, BIC
	vsRTolP    = 1e-8  // absolute: p-values
	vsRTolCond = 1e-8  // relative: the condition number
)

// vsRIntercept is R's name of the intercept term, and lanes'.
const vsRIntercept = "(Intercept)"

// vsRCompare fits s with cov and compares every number with R's.
func vsRCompare(t *testing.T, s vsRSet, cov Cov, want *vsRResult) {
	t.Helper()
	where := s.name + " " + string(cov)
	r := Regressor{Method: Exact, NoIntercept: s.noIntercept, Features: s.features,
		Inference: &InferenceOptions{Level: s.level, Cov: cov}}
	m, err := r.Fit(t.Context(), NewMatrix(slices.Clone(s.x), s.n, s.p), slices.Clone(s.y))
	if err != nil {
		t.Errorf("%s: Fit: %v", where, err)
		return
	}
	inf := m.Inference
	if inf == nil {
		t.Errorf("%s: Model.Inference is nil", where)
		return
	}
	if inf.Level != s.level || inf.Cov != cov {
		t.Errorf("%s: Level %v Cov %q, want %v %q", where, inf.Level, inf.Cov, s.level, cov)
	}

	ints := []struct {
		key string
		got int
	}{{"ROWS", inf.Rows}, {"PARAMS", inf.Params}, {"DF", inf.DF}, {"FDF1", inf.FDF1}, {"FDF2", inf.FDF2}}
	for _, c := range ints {
		w, ok := want.stats[c.key]
		if !ok {
			t.Errorf("%s: R printed no %s", where, c.key)
		} else if float64(c.got) != w {
			t.Errorf("%s: %s = %d, R %v", where, c.key, c.got, w)
		}
	}
	floats := []struct {
		key      string
		got, tol float64
		abs      bool
	}{
		{"RSE", inf.RSE, vsRTolStat, false},
		{"R2", inf.R2, vsRTolStat, false},
		{"ADJR2", inf.AdjR2, vsRTolStat, false},
		{"F", inf.F, vsRTolStat, false},
		{"FP", inf.FP, vsRTolP, true},
		{"LOGLIK", inf.LogLik, vsRTolStat, false},
		{"AIC", inf.AIC, vsRTolStat, false},
		{"BIC", inf.BIC, vsRTolStat, false},
		{"COND", inf.Cond, vsRTolCond, false},
	}
	for _, c := range floats {
		w, ok := want.stats[c.key]
		if !ok {
			t.Errorf("%s: R printed no %s", where, c.key)
		} else if !vsRClose(c.got, w, c.tol, c.abs) {
			t.Errorf("%s: %s = %.17g, R %.17g (%s)", where, c.key, c.got, w, vsRDiff(c.got, w))
		}
	}

	if len(inf.Terms) != len(want.terms) {
		var names []string
		for _, tm := range inf.Terms {
			names = append(names, tm.Name)
		}
		t.Errorf("%s: %d terms %q, R has %d", where, len(inf.Terms), names, len(want.terms))
		return
	}
	cols := s.names()
	for i, w := range want.terms {
		g := inf.Terms[i]
		wc := -1
		if w.name != vsRIntercept {
			wc = slices.Index(cols, w.name)
		}
		if g.Name != w.name || g.Column != wc {
			t.Errorf("%s: term %d is %q (column %d), R's is %q (column %d)", where, i, g.Name, g.Column, w.name, wc)
			continue
		}
		if g.Aliased != w.aliased {
			t.Errorf("%s: %s: Aliased %v, R %v", where, w.name, g.Aliased, w.aliased)
		}
		if w.aliased {
			if g.AliasedBy == "" {
				t.Errorf("%s: %s: aliased with an empty AliasedBy", where, w.name)
			}
			if wc >= 0 && m.Coef[wc] != 0 {
				t.Errorf("%s: %s: aliased, but Model.Coef is %v, not 0", where, w.name, m.Coef[wc])
			}
		}
		nums := []struct {
			what      string
			got, want float64
			tol       float64
			abs       bool
		}{
			{"estimate", g.Estimate, w.est, vsRTolCoef, false},
			{"std. error", g.StdErr, w.se, vsRTolCoef, false},
			{"t", g.T, w.t, vsRTolCoef, false},
			{"p", g.P, w.p, vsRTolP, true},
			{"lower", g.Lower, w.lower, vsRTolCoef, false},
			{"upper", g.Upper, w.upper, vsRTolCoef, false},
		}
		for _, c := range nums {
			if !vsRClose(c.got, c.want, c.tol, c.abs) {
				t.Errorf("%s: %s: %s = %.17g, R %.17g (%s)", where, w.name, c.what, c.got, c.want, vsRDiff(c.got, c.want))
			}
		}
	}
	for _, name := range s.aliased {
		if !slices.ContainsFunc(want.terms, func(w vsRTerm) bool { return w.name == name && w.aliased }) {
			t.Errorf("%s: R does not report %s as aliased (NA): the data set is not what the test means", where, name)
		}
	}
}

// vsRClose reports whether got is within tol of want, relatively (for
// want ≠ 0) or absolutely; NaN matches only NaN, an infinity only itself.
func vsRClose(got, want, tol float64, abs bool) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	case abs || want == 0:
		return math.Abs(got-want) <= tol
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// vsRDiff describes the difference of got from want for a failure
// message.
func vsRDiff(got, want float64) string {
	if math.IsNaN(got) || math.IsNaN(want) || math.IsInf(got, 0) || math.IsInf(want, 0) {
		return "NaN or Inf on one side only"
	}
	d := math.Abs(got - want)
	if want == 0 {
		return fmt.Sprintf("abs %.3g", d)
	}
	return fmt.Sprintf("abs %.3g, rel %.3g", d, d/math.Abs(want))
}
