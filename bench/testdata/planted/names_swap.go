//go:build swap

package main

import "example.com/planted/internal/registry"

func names() int { return len(registry.Names) }
