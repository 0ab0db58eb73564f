//go:build linux

package main

import "github.com/keyutils-go/keyutils/internal/syslog"

func escapeLine(s string) string { return syslog.Escape(s) }
