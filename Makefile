# siovd top-level Makefile: the README's commands.
#   make demo   build (release) and run the main job on the embedded default
#   make check  build with ASan+UBSan and run every unit and end-to-end test
#   make bench  build (release) and run the benchmark programs
# Each target installs missing Debian build dependencies first.

BUILD       ?= build
BUILD_CHECK ?= build-check
MESON       ?= meson
NINJA       ?= ninja

.PHONY: all deps build demo check bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	$(MESON) setup $(BUILD) --buildtype=release -Db_ndebug=true

$(BUILD_CHECK)/build.ninja: | deps
	$(MESON) setup $(BUILD_CHECK) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false

build: deps $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

demo: build
	./scripts/demo.sh $(BUILD)

check: deps $(BUILD_CHECK)/build.ninja
	$(NINJA) -C $(BUILD_CHECK)
	$(MESON) test -C $(BUILD_CHECK) --print-errorlogs --num-processes 2

bench: build
	./scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_CHECK)
