package web

import "testing"

func TestNextOf(t *testing.T) {
	for in, want := range map[string]string{"/login": "/", "/login?next=/x": "/", "/logout": "/", "/programs": "/programs"} {
		if got := nextOf(in); got != want {
			t.Errorf("nextOf(%q) = %q, want %q", in, got, want)
		}
	}
}
