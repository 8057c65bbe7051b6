package dataset

import (
	"fmt"
	"strings"
)

// Paging says whether a mapped training set gives its pages back to the
// system once a pass over the rows is done with them (see MapWith).
//
// Giving pages back keeps the resident set to about a window of rows, so
// that a file larger than memory trains without pushing everything else
// out; but every pass then faults the whole file back in, from the page
// cache at best, which made the mapped path several times slower than
// the in-memory one on a file that fits. So by default the pages are
// given back only when the files are large for the memory available.
// Either way the model is the same bits: linreg's block tree does not
// depend on the windows.
type Paging int

const (
	// PagingAuto gives pages back when the mapped files take more than
	// half the memory available (MemAvailable); never where that is
	// unknown.
	PagingAuto Paging = iota
	// PagingAlways gives back each window's pages after each pass.
	PagingAlways
	// PagingNever keeps the pages mapped: every pass reads the whole
	// matrix in place, as an array in memory.
	PagingNever
)

// pagingNames are the names of the Pagings, in their order.
var pagingNames = [...]string{"auto", "always", "never"}

// String returns the name ParsePaging reads.
func (p Paging) String() string {
	if p < 0 || int(p) >= len(pagingNames) {
		return fmt.Sprintf("Paging(%d)", int(p))
	}
	return pagingNames[p]
}

// ParsePaging reads "auto", "always" or "never", in any case.
func ParsePaging(s string) (Paging, error) {
	for i, name := range pagingNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return Paging(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not one of %s", s, strings.Join(pagingNames[:], ", "))
}

// releases decides whether files of size bytes give their pages back:
// for PagingAuto, when size is more than half of what available reports,
// and not when it reports nothing (ok false).
//
// Half, because training needs memory besides the file (the page cache
// keeps other programs' files too, and linreg allocates its own
// statistics), and a file that fits only just would be read from disk
// again on every pass once the kernel starts evicting its pages.
func (p Paging) releases(size int64, available func() (int64, bool)) bool {
	switch p {
	case PagingAlways:
		return true
	case PagingNever:
		return false
	}
	avail, ok := available()
	return ok && size > avail/2
}
