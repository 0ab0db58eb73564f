package keyutils

// Walk is WalkKeys with w's options.
func (w *Walker) Walk(root ID, fn WalkFunc) error {
	w.path, w.last = w.path[:0], append(w.last[:0], true)
	if w.buf == nil {
		w.buf = make([]byte, 1024)
	}
	if w.Batch {
		w.prefetch(Serial(rawID(root)))
		defer func() { w.batch = nil }()
	}
	err := w.visit(Serial(rawID(root)), fn)
	if err == SkipKeyring || err == SkipAll {
		return nil
	}
	return err
}
