package knn

import (
	"fmt"
	"strings"
)

// Metric is how a row is scored against a query.
type Metric uint8

const (
	// L2 is the squared Euclidean distance; smaller is nearer.
	L2 Metric = iota
	// InnerProduct is the dot product; larger is nearer.
	InnerProduct
	// Cosine is the cosine similarity; larger is nearer.
	Cosine
)

// String returns the name ParseMetric accepts: "l2", "dot" or "cosine".
func (m Metric) String() string {
	switch m {
	case L2:
		return "l2"
	case InnerProduct:
		return "dot"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", uint8(m))
}

// ParseMetric reads a metric's name: "l2" (also "euclidean", "sqeuclidean"),
// "dot" (also "ip", "inner"), or "cosine" (also "cos"), in any case.
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "l2", "euclidean", "sqeuclidean":
		return L2, nil
	case "dot", "ip", "inner", "innerproduct":
		return InnerProduct, nil
	case "cosine", "cos":
		return Cosine, nil
	}
	return 0, fmt.Errorf("knn: unknown metric %q (want l2, dot or cosine)", s)
}

// larger reports whether a larger score is nearer.
func (m Metric) larger() bool { return m != L2 }

func (m Metric) valid() bool { return m <= Cosine }
