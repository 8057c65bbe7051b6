package linreg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// The identity of the model JSON format: the values of its "format" and
// "version" members. A reader that meets another format, or a version it
// does not know, refuses the document.
const (
	JSONFormat  = "lanes.linreg.Model"
	JSONVersion = 1
)

// modelJSON is the wire form of a Model, format version 1. Its members
// are listed in the order they are written. It is separate from Model,
// ModelOptions and Summary so that a new Go field never changes the format
// by accident.
type modelJSON struct {
	Format    string      `json:"format"`
	Version   json.Number `json:"version"` // checked before the rest is decoded
	Coef      []float64   `json:"coef"`
	Intercept *float64    `json:"intercept"`
	Features  []string    `json:"features"`
	Options   optionsJSON `json:"options"`
	Summary   summaryJSON `json:"summary"`
	// Inference is optional: absent when Model.Inference is nil, so
	// that a model without it is the document it was before the member
	// existed.
	Inference *inferenceJSON `json:"inference,omitempty"`
}

type optionsJSON struct {
	Method       string  `json:"method"`
	Rate         float64 `json:"rate"`
	AutoRate     bool    `json:"auto_rate"`
	Schedule     string  `json:"schedule"`
	Update       string  `json:"update"`
	Epochs       int     `json:"epochs"`
	BatchSize    int     `json:"batch_size"`
	Tol          float64 `json:"tol"`
	Seed         uint64  `json:"seed"`
	L1           float64 `json:"l1"`
	L2           float64 `json:"l2"`
	FitIntercept bool    `json:"fit_intercept"`
}

type summaryJSON struct {
	Method  string   `json:"method"`
	Epochs  int      `json:"epochs"`
	Steps   int      `json:"steps"`
	Loss    float64  `json:"loss"`
	MSE     float64  `json:"mse"`
	R2      float64  `json:"r2"`
	ValMSE  *float64 `json:"val_mse,omitempty"`
	Stop    string   `json:"stop"`
	Kernels string   `json:"kernels"`
	Version string   `json:"version"`
	Engine  int      `json:"engine,omitempty"`
	Seconds float64  `json:"seconds"`
}

// inferenceJSON is the wire form of an Inference; termJSON of a Term.
type inferenceJSON struct {
	Level  jsonFloat `json:"level"`
	Cov    string    `json:"cov"`
	Rows   int       `json:"rows"`
	Params int       `json:"params"`
	DF     int       `json:"df"`
	RSE    jsonFloat `json:"rse"`
	R2     jsonFloat `json:"r2"`
	AdjR2  jsonFloat `json:"adj_r2"`
	F      jsonFloat `json:"f"`
	FDF1   int       `json:"f_df1"`
	FDF2   int       `json:"f_df2"`
	FP     jsonFloat `json:"f_p"`
	LogLik jsonFloat `json:"loglik"`
	AIC    jsonFloat `json:"aic"`
	BIC    jsonFloat `json:"bic"`
	Cond   jsonFloat `json:"cond"`
	// PerfectFit is written after cond, though the Go field comes
	// before it.
	PerfectFit bool       `json:"perfect_fit"`
	Terms      []termJSON `json:"terms"`
}

type termJSON struct {
	Name      string    `json:"name"`
	Column    int       `json:"column"`
	Aliased   bool      `json:"aliased"`
	AliasedBy string    `json:"aliased_by,omitempty"`
	Estimate  jsonFloat `json:"estimate"`
	StdErr    jsonFloat `json:"std_err"`
	T         jsonFloat `json:"t"`
	P         jsonFloat `json:"p"`
	Lower     jsonFloat `json:"lower"`
	Upper     jsonFloat `json:"upper"`
}

// jsonFloat is a float64 of the inference member, which may not exist
// (NaN): NaN and ±Inf are written as null, and null is read back as NaN.
// Finite values are written as encoding/json writes a float64.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if v := float64(f); isFinite(v) {
		return json.Marshal(v)
	}
	return []byte("null"), nil
}

func (f *jsonFloat) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}

// toJSON returns the wire form of inf.
func (inf *Inference) toJSON() *inferenceJSON {
	w := &inferenceJSON{
		Level: jsonFloat(inf.Level), Cov: string(inf.Cov),
		Rows: inf.Rows, Params: inf.Params, DF: inf.DF,
		RSE: jsonFloat(inf.RSE), R2: jsonFloat(inf.R2), AdjR2: jsonFloat(inf.AdjR2),
		F: jsonFloat(inf.F), FDF1: inf.FDF1, FDF2: inf.FDF2, FP: jsonFloat(inf.FP),
		LogLik: jsonFloat(inf.LogLik), AIC: jsonFloat(inf.AIC), BIC: jsonFloat(inf.BIC),
		Cond: jsonFloat(inf.Cond), PerfectFit: inf.PerfectFit,
		Terms: make([]termJSON, len(inf.Terms)),
	}
	for i, t := range inf.Terms {
		w.Terms[i] = termJSON{
			Name: t.Name, Column: t.Column, Aliased: t.Aliased, AliasedBy: t.AliasedBy,
			Estimate: jsonFloat(t.Estimate), StdErr: jsonFloat(t.StdErr), T: jsonFloat(t.T), P: jsonFloat(t.P),
			Lower: jsonFloat(t.Lower), Upper: jsonFloat(t.Upper),
		}
	}
	return w
}

// inference returns the Inference of w, checking its terms against a
// model of cols coefficients.
func (w *inferenceJSON) inference(cols int) (*Inference, error) {
	inf := &Inference{
		Level: float64(w.Level), Cov: Cov(w.Cov),
		Rows: w.Rows, Params: w.Params, DF: w.DF,
		RSE: float64(w.RSE), R2: float64(w.R2), AdjR2: float64(w.AdjR2),
		F: float64(w.F), FDF1: w.FDF1, FDF2: w.FDF2, FP: float64(w.FP),
		LogLik: float64(w.LogLik), AIC: float64(w.AIC), BIC: float64(w.BIC),
		Cond: float64(w.Cond), PerfectFit: w.PerfectFit,
	}
	if w.Terms != nil {
		inf.Terms = make([]Term, len(w.Terms))
	}
	for i, t := range w.Terms {
		if t.Column < -1 || t.Column >= cols {
			return nil, fmt.Errorf("linreg: model JSON: inference.terms[%d] (%q) has column %d, but the model has %d coefficients", i, t.Name, t.Column, cols)
		}
		inf.Terms[i] = Term{
			Name: t.Name, Column: t.Column, Aliased: t.Aliased, AliasedBy: t.AliasedBy,
			Estimate: float64(t.Estimate), StdErr: float64(t.StdErr), T: float64(t.T), P: float64(t.P),
			Lower: float64(t.Lower), Upper: float64(t.Upper),
		}
	}
	return inf, nil
}

// MarshalJSON encodes the model in the lanes model format, version 1: one
// JSON object whose members are, in this order,
//
//	format     string   always "lanes.linreg.Model" (JSONFormat)
//	version    number   always 1 (JSONVersion)
//	coef       [number] the coefficients Coef, one per feature column, in
//	                    column order; [] for a model without features
//	intercept  number   Intercept; a prediction is Σ coef[j]·x[j] + intercept
//	features   [string] or null: the column names Features, as many as
//	                    coef; null when the model has no names (the columns
//	                    are then only positional)
//	options    object   how the model was fitted (ModelOptions):
//	    method         string  "gd", "sgd", "minibatch" or "exact"
//	    rate           number  the base learning rate; 0 for exact
//	    auto_rate      bool    whether rate was derived from the data
//	    schedule       string  "constant" or a description of the schedule
//	    update         string  "plain", "momentum", "nesterov" or "adam"
//	    epochs         number  the epoch limit
//	    batch_size     number  the mini-batch size
//	    tol            number  the tolerance of the stopping rule
//	    seed           number  the shuffling seed, an unsigned 64-bit integer
//	                           (readers in languages whose numbers are
//	                           doubles lose precision above 2⁵³)
//	    l1, l2         number  the penalties: the objective is
//	                           (1/(2n))·Σr² + l1·‖w‖₁ + (l2/2)·‖w‖²
//	    fit_intercept  bool    whether the intercept was fitted (false: 0)
//	summary    object   the training run (Summary):
//	    method   string  the method that ran
//	    epochs   number  epochs run, 0 for exact
//	    steps    number  steps taken
//	    loss     number  the final regularised objective
//	    mse      number  the training mean squared error
//	    r2       number  the training R² (absent, so read as 0, in models
//	                     saved before it was recorded)
//	    val_mse  number  the validation mean squared error; absent without
//	                     a validation set
//	    stop     string  why training stopped, "" for exact
//	    kernels  string  the kernels that trained it: "avx512", "avx2", "neon"
//	                     or "generic"
//	    version  string  the version of github.com/lanes-go/lanes
//	    engine   number  the arithmetic of the fit (Engine): fits of the
//	                     same data and options give the same bits when
//	                     their engines are equal; absent in models of the
//	                     first engine, before the moments
//	    seconds  number  the training time in seconds
//	inference  object   the standard errors, tests and intervals of the
//	                    fit (Inference, as R's summary(lm()) gives them);
//	                    absent when the model has none (Model.Inference
//	                    nil). Its numbers are null where the value does
//	                    not exist (NaN, or ±Inf: see below):
//	    level    number  the confidence level of lower and upper
//	    cov      string  the covariance of the standard errors:
//	                     "classical", "hc0", "hc1", "hc2" or "hc3"
//	    rows     number  n, the rows of the fit
//	    params   number  p, the parameters estimated (the intercept and
//	                     the coefficients of columns not aliased)
//	    df       number  the residual degrees of freedom n − p
//	    rse      number  the residual standard error
//	    r2       number  R², of the spread about the mean (about 0 for a
//	                     model without an intercept, as R computes it)
//	    adj_r2   number  the adjusted R²
//	    f        number  the F statistic that every coefficient but the
//	                     intercept is 0 (with cov other than classical, the
//	                     Wald statistic with that covariance, divided by
//	                     f_df1); null for a model of the intercept alone
//	    f_df1    number  its numerator degrees of freedom
//	    f_df2    number  its denominator degrees of freedom
//	    f_p      number  its p-value
//	    loglik   number  the Gaussian log-likelihood
//	    aic      number  Akaike's information criterion
//	    bic      number  the Bayesian information criterion
//	    cond     number  the condition number of the standardised design
//	    perfect_fit  bool  whether the residual variance is so small
//	                     that the standard errors measure rounding errors
//	                     (R's "essentially perfect fit")
//	    terms    [object] one per term, the intercept first, named
//	                     "(Intercept)", if the model has one, then every
//	                     column in order:
//	        name        string  the column's name ("x<j>" without names)
//	        column      number  its index in coef, -1 for the intercept
//	        aliased     bool    whether the column is a combination of the
//	                            ones before it (its coefficient is 0 and
//	                            every number of the term null)
//	        aliased_by  string  how, e.g. "x3 ≈ x1 + x2"; absent if not
//	                            aliased
//	        estimate    number  the estimate
//	        std_err     number  its standard error
//	        t           number  the t statistic estimate/std_err
//	        p           number  the two-sided p-value of t on df degrees
//	                            of freedom
//	        lower       number  the confidence interval at level
//	        upper       number
//
// Numbers are written as encoding/json writes float64: the shortest
// decimal that parses back to the same bits, so every value round-trips
// exactly, subnormals included, and −0 is written as -0 and read back as
// −0. History is not written. In the inference member, where a number
// may not exist, NaN and ±Inf are written as null and null is read back
// as NaN (an infinite value, such as the F statistic of a perfect fit,
// does not survive the round trip). MarshalJSON refuses a model with a
// NaN or Inf in any other number (JSON cannot represent them), with
// Features neither empty nor as long as Coef, or with a name or other
// string that is not valid UTF-8, and names the offending field.
//
// UnmarshalJSON reads the same format. It first checks format and version,
// so that a document of another format or of a later version is refused
// with an error naming what it found, before anything else is decoded.
// coef and intercept are required; features may be absent, null or []
// (no names), and otherwise must have as many names as coef; options and
// summary may be absent (zero values), and so may inference (then
// Model.Inference is nil; a column of its terms must be -1 or an index
// of coef, and a number absent from it reads as 0). Members it does not know are
// ignored, so that later revisions of version 1 may add members without
// breaking older readers; a change that alters the meaning of a member
// increments the version instead.
//
// Save writes the same object indented by two spaces, followed by a
// newline; Load reads it back.
func (m Model) MarshalJSON() ([]byte, error) {
	if err := m.checkEncodable(); err != nil {
		return nil, err
	}
	intercept := m.Intercept
	w := modelJSON{
		Format:    JSONFormat,
		Version:   json.Number(strconv.Itoa(JSONVersion)),
		Coef:      m.Coef,
		Intercept: &intercept,
		Features:  m.Features,
		Options: optionsJSON{
			Method:       m.Options.Method,
			Rate:         m.Options.Rate,
			AutoRate:     m.Options.AutoRate,
			Schedule:     m.Options.Schedule,
			Update:       m.Options.Update,
			Epochs:       m.Options.Epochs,
			BatchSize:    m.Options.BatchSize,
			Tol:          m.Options.Tol,
			Seed:         m.Options.Seed,
			L1:           m.Options.L1,
			L2:           m.Options.L2,
			FitIntercept: m.Options.FitIntercept,
		},
		Summary: summaryJSON{
			Method:  m.Summary.Method,
			Epochs:  m.Summary.Epochs,
			Steps:   m.Summary.Steps,
			Loss:    m.Summary.Loss,
			MSE:     m.Summary.MSE,
			R2:      m.Summary.R2,
			ValMSE:  m.Summary.ValMSE,
			Stop:    m.Summary.Stop,
			Kernels: m.Summary.Kernels,
			Version: m.Summary.Version,
			Engine:  m.Summary.Engine,
			Seconds: m.Summary.Seconds,
		},
	}
	if m.Inference != nil {
		w.Inference = m.Inference.toJSON()
	}
	if w.Coef == nil {
		w.Coef = []float64{}
	}
	if len(w.Features) == 0 {
		w.Features = nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, fmt.Errorf("linreg: encoding the model: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkEncodable reports what MarshalJSON cannot write.
func (m *Model) checkEncodable() error {
	for j, c := range m.Coef {
		if !isFinite(c) {
			return fmt.Errorf("linreg: cannot encode the model: coef[%d] is %v", j, c)
		}
	}
	if len(m.Features) != 0 && len(m.Features) != len(m.Coef) {
		return fmt.Errorf("linreg: cannot encode the model: %d features for %d coefficients", len(m.Features), len(m.Coef))
	}
	if i, j := duplicateName(m.Features); j >= 0 {
		// UnmarshalJSON would refuse the document.
		return fmt.Errorf("linreg: cannot encode the model: features[%d] and features[%d] are both %q", i, j, m.Features[j])
	}
	for j, f := range m.Features {
		if !utf8.ValidString(f) {
			return fmt.Errorf("linreg: cannot encode the model: features[%d] = %q is not valid UTF-8", j, f)
		}
	}
	for _, s := range []string{m.Options.Method, m.Options.Schedule, m.Options.Update,
		m.Summary.Method, m.Summary.Stop, m.Summary.Kernels, m.Summary.Version} {
		if !utf8.ValidString(s) {
			return fmt.Errorf("linreg: cannot encode the model: %q is not valid UTF-8", s)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"intercept", m.Intercept},
		{"options.rate", m.Options.Rate},
		{"options.tol", m.Options.Tol},
		{"options.l1", m.Options.L1},
		{"options.l2", m.Options.L2},
		{"summary.loss", m.Summary.Loss},
		{"summary.mse", m.Summary.MSE},
		{"summary.r2", m.Summary.R2},
		{"summary.seconds", m.Summary.Seconds},
	} {
		if !isFinite(f.v) {
			return fmt.Errorf("linreg: cannot encode the model: %s is %v", f.name, f.v)
		}
	}
	if v := m.Summary.ValMSE; v != nil && !isFinite(*v) {
		return fmt.Errorf("linreg: cannot encode the model: summary.val_mse is %v", *v)
	}
	if inf := m.Inference; inf != nil {
		if !utf8.ValidString(string(inf.Cov)) {
			return fmt.Errorf("linreg: cannot encode the model: inference.cov = %q is not valid UTF-8", inf.Cov)
		}
		for i, t := range inf.Terms {
			if !utf8.ValidString(t.Name) {
				return fmt.Errorf("linreg: cannot encode the model: inference.terms[%d].name = %q is not valid UTF-8", i, t.Name)
			}
			if !utf8.ValidString(t.AliasedBy) {
				return fmt.Errorf("linreg: cannot encode the model: inference.terms[%d].aliased_by = %q is not valid UTF-8", i, t.AliasedBy)
			}
		}
	}
	return nil
}

// ErrEmptyModel is the error of Load and UnmarshalJSON for an input that
// is empty or only white space, such as a model file that was created
// but never written.
var ErrEmptyModel = errors.New("linreg: empty model file")

// UnmarshalJSON decodes a model in the format MarshalJSON documents. On
// error m is left unchanged. As encoding/json's own decoding does, it
// treats the JSON literal null as a no-op (Load refuses it). Empty input
// is ErrEmptyModel.
func (m *Model) UnmarshalJSON(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return ErrEmptyModel
	}
	if bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	var head struct {
		Format  json.RawMessage `json:"format"`
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("linreg: model JSON: %w", err)
	}
	if head.Format == nil {
		return fmt.Errorf("linreg: model JSON: no \"format\" member (want %q)", JSONFormat)
	}
	var format string
	if err := json.Unmarshal(head.Format, &format); err != nil || format != JSONFormat {
		return fmt.Errorf("linreg: model JSON: format is %s, want %q", head.Format, JSONFormat)
	}
	if head.Version == nil {
		return fmt.Errorf("linreg: model JSON: no \"version\" member")
	}
	var version float64
	if err := json.Unmarshal(head.Version, &version); err != nil || version != JSONVersion {
		return fmt.Errorf("linreg: model JSON: unsupported version %s (this package reads version %d)", head.Version, JSONVersion)
	}

	var w modelJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("linreg: model JSON: %w", err)
	}
	switch {
	case w.Coef == nil:
		return fmt.Errorf("linreg: model JSON: no \"coef\" array")
	case w.Intercept == nil:
		return fmt.Errorf("linreg: model JSON: no \"intercept\" number")
	case len(w.Features) != 0 && len(w.Features) != len(w.Coef):
		return fmt.Errorf("linreg: model JSON: %d features for %d coefficients", len(w.Features), len(w.Coef))
	}
	if i, j := duplicateName(w.Features); j >= 0 {
		return fmt.Errorf("linreg: model JSON: features[%d] and features[%d] are both %q: the names of the columns must differ", i, j, w.Features[j])
	}
	features := w.Features
	if len(features) == 0 {
		features = nil
	}
	var inf *Inference
	if w.Inference != nil {
		var err error
		if inf, err = w.Inference.inference(len(w.Coef)); err != nil {
			return err
		}
	}
	*m = Model{
		Coef:      w.Coef,
		Intercept: *w.Intercept,
		Features:  features,
		Options: ModelOptions{
			Method:       w.Options.Method,
			Rate:         w.Options.Rate,
			AutoRate:     w.Options.AutoRate,
			Schedule:     w.Options.Schedule,
			Update:       w.Options.Update,
			Epochs:       w.Options.Epochs,
			BatchSize:    w.Options.BatchSize,
			Tol:          w.Options.Tol,
			Seed:         w.Options.Seed,
			L1:           w.Options.L1,
			L2:           w.Options.L2,
			FitIntercept: w.Options.FitIntercept,
		},
		Summary: Summary{
			Method:  w.Summary.Method,
			Epochs:  w.Summary.Epochs,
			Steps:   w.Summary.Steps,
			Loss:    w.Summary.Loss,
			MSE:     w.Summary.MSE,
			R2:      w.Summary.R2,
			ValMSE:  w.Summary.ValMSE,
			Stop:    w.Summary.Stop,
			Kernels: w.Summary.Kernels,
			Version: w.Summary.Version,
			Engine:  w.Summary.Engine,
			Seconds: w.Summary.Seconds,
		},
		Inference: inf,
	}
	return nil
}

// Save writes the model to w as indented JSON (two spaces) followed by a
// newline, in the format MarshalJSON documents. Strings are written as
// UTF-8, without encoding/json's HTML escaping.
func (m *Model) Save(w io.Writer) error {
	if err := m.checkEncodable(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("linreg: saving the model: %w", err)
	}
	return nil
}

// Load reads one model from r, written by Save or MarshalJSON, and
// nothing else: trailing data other than white space is an error, and so
// is the JSON literal null. An empty input, or one of white space only,
// returns ErrEmptyModel (encoding/json would say "unexpected end of JSON
// input"), so that a caller can say which file is empty.
func Load(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("linreg: loading a model: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmptyModel
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil, fmt.Errorf("linreg: loading a model: the document is null")
	}
	m := new(Model)
	if err := json.Unmarshal(data, m); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("linreg: model JSON: %w", err)
		}
		return nil, err // UnmarshalJSON's own error
	}
	return m, nil
}
