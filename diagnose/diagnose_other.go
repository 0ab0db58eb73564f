//go:build !linux

package diagnose

// Run examines the caller's key environment. On this system there is none:
// it returns one Problem.
func (o *Options) Run() []Finding {
	return []Finding{{Check: "kernel", Severity: Problem, Text: "not Linux: there is no kernel key retention service"}}
}
