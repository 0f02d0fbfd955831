package helm

import (
	"sync"
)

// Memo remembers, for one run, the charts fetched, the repository indexes read and the
// releases rendered, so that a (chart, version, values) is fetched and rendered at most
// once. It is safe for concurrent use. The zero Memo is ready; a nil *Memo remembers
// nothing.
type Memo struct {
	mu      sync.Mutex
	charts  map[string]*memoEntry[*loaded]
	indexes map[string]*memoEntry[*indexFile]
	renders map[string]*memoEntry[*Rendered]

	stats MemoStats
}

// MemoStats counts the work a Memo did and saved: charts loaded (fetched or read),
// repository indexes fetched, releases rendered, and renders answered from the memo.
type MemoStats struct {
	ChartLoads, IndexFetches, Renders, RenderHits int
}

// Stats returns the counts so far.
func (m *Memo) Stats() MemoStats {
	if m == nil {
		return MemoStats{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

type memoEntry[T any] struct {
	once sync.Once
	val  T
	err  error
}

func entry[T any](m *Memo, table *map[string]*memoEntry[T], key string) *memoEntry[T] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if *table == nil {
		*table = map[string]*memoEntry[T]{}
	}
	e, ok := (*table)[key]
	if !ok {
		e = &memoEntry[T]{}
		(*table)[key] = e
	}
	return e
}

func (m *Memo) count(f func(*MemoStats)) {
	if m == nil {
		return
	}
	m.mu.Lock()
	f(&m.stats)
	m.mu.Unlock()
}

// chart loads a chart once per key.
func (m *Memo) chart(key string, load func() (*loaded, error)) (*loaded, error) {
	if m == nil {
		return load()
	}
	e := entry(m, &m.charts, key)
	e.once.Do(func() {
		m.count(func(s *MemoStats) { s.ChartLoads++ })
		e.val, e.err = safely(load)
	})
	return e.val, e.err
}

// index reads a repository index once per URL and credentials.
func (m *Memo) index(u string, auth RepoAuth, fetch func() (*indexFile, error)) (*indexFile, error) {
	if m == nil {
		return fetch()
	}
	e := entry(m, &m.indexes, u+"\x00"+hashOf(auth))
	e.once.Do(func() {
		m.count(func(s *MemoStats) { s.IndexFetches++ })
		e.val, e.err = safely(fetch)
	})
	return e.val, e.err
}

// render renders once per key; hit reports whether the result was already there.
func (m *Memo) render(key string, render func() (*Rendered, error)) (*Rendered, error) {
	if m == nil {
		return render()
	}
	e := entry(m, &m.renders, key)
	ran := false
	e.once.Do(func() {
		ran = true
		m.count(func(s *MemoStats) { s.Renders++ })
		e.val, e.err = safely(render)
	})
	if !ran {
		m.count(func(s *MemoStats) { s.RenderHits++ })
	}
	return e.val, e.err
}

// safely runs f, turning a panic (the Helm SDK on a hostile chart) into an error, so that
// a memo entry never ends up with neither a value nor an error.
func safely[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			v, err = zero, newError(ReasonInvalidChart, nil, "the chart could not be processed (the Helm SDK failed: %s)", panicText(p))
		}
	}()
	return f()
}
