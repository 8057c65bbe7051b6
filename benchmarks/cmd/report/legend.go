package main

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// fallbackWidth is how much wider than gonum/plot measures it a text may
// be drawn. The charts name their font, Liberation Serif, but do not embed
// it (that would add about half a megabyte to every SVG), so a viewer
// without it substitutes another serif: Times New Roman has the same
// metrics, but DejaVu Serif, the usual substitute on Linux, is up to 28%
// wider. The legend reserves this much room for every text, so that its
// entries neither run into each other nor off the canvas there.
const fallbackWidth = 1.3

// legend is drawn beneath the plot, outside the plot area, where it
// cannot hide a curve or a bar. Its entries (a thumbnail of the line or
// bar, then the text) flow left to right in rows that wrap at the
// available width; an entry added with addOwnRow gets a row to itself.
type legend struct {
	style   text.Style
	entries []legendEntry
}

type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer
	ownRow bool
}

func newLegend() legend {
	return legend{style: text.Style{
		// The size of the tick labels, a step below the title and the
		// axis labels.
		Font:    font.From(plot.DefaultFont, 10),
		Color:   color.Black,
		Handler: plot.DefaultTextHandler,
		XAlign:  text.XLeft,
		YAlign:  text.YCenter,
	}}
}

// add appends an entry to the current row.
func (l *legend) add(txt string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{text: txt, thumbs: thumbs})
}

// addOwnRow appends an entry on a row of its own.
func (l *legend) addOwnRow(txt string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{text: txt, thumbs: thumbs, ownRow: true})
}

func (l *legend) thumbWidth() vg.Length { return 2 * l.style.Font.Size }
func (l *legend) rowHeight() vg.Length  { return 1.5 * l.style.Font.Size }

// entryWidth is the room an entry takes: its thumbnail, a space and its
// text, which may come out fallbackWidth times as wide as measured.
func (l *legend) entryWidth(e legendEntry) vg.Length {
	return l.thumbWidth() + l.style.Width(" ") + fallbackWidth*l.style.Width(e.text)
}

// placement is where an entry goes: its left edge, relative to the
// legend's, and its row, 0 at the top.
type placement struct {
	x   vg.Length
	row int
}

// layout places the entries in rows no wider than width (an entry wider
// than that still gets a row, alone) and returns the number of rows.
func (l *legend) layout(width vg.Length) ([]placement, int) {
	gap := l.style.Font.Size // between entries in a row
	places := make([]placement, len(l.entries))
	row, x := 0, vg.Length(0)
	for i, e := range l.entries {
		w := l.entryWidth(e)
		if x > 0 && (e.ownRow || x+w > width) {
			row, x = row+1, 0
		}
		places[i] = placement{x: x, row: row}
		x += w + gap
		if e.ownRow {
			row, x = row+1, 0
		}
	}
	if x == 0 {
		return places, row
	}
	return places, row + 1
}

// height is the height of the legend drawn width wide.
func (l *legend) height(width vg.Length) vg.Length {
	_, rows := l.layout(width)
	return vg.Length(rows) * l.rowHeight()
}

// draw draws the legend in c, its first row at the top.
func (l *legend) draw(c draw.Canvas) {
	places, _ := l.layout(c.Size().X)
	thumbW, rowH := l.thumbWidth(), l.rowHeight()
	// The thumbnails are as tall as a capital letter and its descent.
	ext := l.style.FontExtents()
	thumbH := ext.Ascent + ext.Descent
	for i, e := range l.entries {
		p := places[i]
		x := c.Min.X + p.x
		y := c.Max.Y - (vg.Length(p.row)+0.5)*rowH // the row's middle
		thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: y - thumbH/2},
			Max: vg.Point{X: x + thumbW, Y: y + thumbH/2},
		}}
		for _, t := range e.thumbs {
			t.Thumbnail(&thumb)
		}
		c.FillText(l.style, vg.Point{X: x + thumbW + l.style.Width(" "), Y: y}, e.text)
	}
}
