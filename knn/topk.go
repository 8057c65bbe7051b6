package knn

// Neighbor is one result: a row of the index and its score.
type Neighbor struct {
	ID    int     // the row number, from 0
	Score float32 // the metric's value for that row and the query
}

// nearer is the total order of results: a before b. A number is nearer
// than NaN; between numbers the metric decides; equal scores, and two
// NaNs, go by the lower row.
func nearer(a, b Neighbor, larger bool) bool {
	if an, bn := a.Score != a.Score, b.Score != b.Score; an || bn {
		if an != bn {
			return bn
		}
		return a.ID < b.ID
	}
	if a.Score != b.Score {
		return (a.Score > b.Score) == larger
	}
	return a.ID < b.ID
}

// topK keeps the k nearest results offered to it, in a heap whose root is
// the farthest of them.
type topK struct {
	items  []Neighbor
	k      int
	larger bool
}

func (t *topK) reset(k int, larger bool) {
	if cap(t.items) < k {
		t.items = make([]Neighbor, 0, k)
	}
	t.items, t.k, t.larger = t.items[:0], k, larger
}

// full reports whether k results are held; then items[0] is the farthest.
func (t *topK) full() bool { return len(t.items) == t.k }

// offer keeps c if it is among the k nearest seen so far.
func (t *topK) offer(c Neighbor) {
	if len(t.items) < t.k {
		t.items = append(t.items, c)
		t.up(len(t.items) - 1)
		return
	}
	if !nearer(c, t.items[0], t.larger) {
		return
	}
	t.items[0] = c
	t.down(0)
}

// farther is the heap order: the root is the farthest.
func (t *topK) farther(i, j int) bool { return nearer(t.items[j], t.items[i], t.larger) }

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.farther(i, p) {
			return
		}
		t.items[i], t.items[p] = t.items[p], t.items[i]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.items)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && t.farther(c+1, c) {
			c++
		}
		if !t.farther(c, i) {
			return
		}
		t.items[i], t.items[c] = t.items[c], t.items[i]
		i = c
	}
}

// offerScores offers rows first, first+1, … with their scores, skipping
// at once every number farther than the current worst when the heap is
// full.
func (t *topK) offerScores(first int, scores []float32) {
	for i, s := range scores {
		if t.full() {
			// NaN compares false both ways and goes to offer, which ranks it.
			if w := t.items[0].Score; (t.larger && s < w) || (!t.larger && s > w) {
				continue
			}
		}
		t.offer(Neighbor{ID: first + i, Score: s})
	}
}

// sorted returns the results nearest first, in place (a heap sort: the
// farthest goes to the end first), and leaves t empty of heap order.
func (t *topK) sorted() []Neighbor {
	all := t.items
	for n := len(all) - 1; n > 0; n-- {
		all[0], all[n] = all[n], all[0]
		t.items = all[:n]
		t.down(0)
	}
	t.items = all
	return all
}
