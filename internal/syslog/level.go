//go:build linux

package syslog

// More facilities and severities (syslog.h), for key.dns_resolver.
const (
	LogDaemon  = 3 << 3 // LOG_DAEMON
	LogWarning = 4      // LOG_WARNING
	LogInfo    = 6      // LOG_INFO
)

// DialPathNoPID is DialPath for a program that calls openlog(3) without
// LOG_PID: its messages read "TAG: MSG", not "TAG[PID]: MSG".
func DialPathNoPID(path string, facility int, tag string) (*Writer, error) {
	w, err := DialPath(path, facility, tag)
	if err != nil {
		return nil, err
	}
	w.noPID = true
	return w, nil
}

// OpenNoPID is Open for a program that calls openlog(3) without LOG_PID
// (see DialPathNoPID).
func OpenNoPID(facility int, tag string) *Writer {
	w := Open(facility, tag)
	w.noPID = true
	return w
}

// Log logs msg at severity (LogErr, LogWarning, LogInfo, LogDebug), cut
// and escaped as by Err.
func (w *Writer) Log(severity int, msg string) error { return w.write(severity, msg) }
