# siovd top-level Makefile: the README's commands.
#   make demo   build (release) and run the main job on the embedded default
#   make check  build with ASan+UBSan and run every unit and end-to-end test
#   make bench  build (release) and run the benchmark programs
#   make fuzz   build the libFuzzer harnesses (clang) and run each FUZZ_TIME seconds
#   make tsan   build with ThreadSanitizer and run the unit and end-to-end tests
# Each target installs missing Debian build dependencies first.

BUILD       ?= build
BUILD_CHECK ?= build-check
BUILD_FUZZ  ?= build-fuzz
BUILD_TSAN  ?= build-tsan
FUZZ_TIME   ?= 60
MESON       ?= meson
FUZZ_HARNESSES ?= vfio_user vdcm_regs dsa_desc accel_config sysfs
NINJA       ?= ninja

.PHONY: all deps build demo check bench fuzz fuzz-smoke tsan clean

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
	$(MAKE) --no-print-directory fuzz-smoke

$(BUILD_FUZZ)/build.ninja: | deps
	CC=clang $(MESON) setup $(BUILD_FUZZ) --buildtype=debug -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Dwerror=false

# Each harness runs from its seed corpus (copied, so new inputs stay out of
# the tree); crashes land in $(BUILD_FUZZ)/artifacts and fail the target.
fuzz: deps $(BUILD_FUZZ)/build.ninja
	$(NINJA) -C $(BUILD_FUZZ) $(patsubst %,tests/fuzz/fuzz_%,$(FUZZ_HARNESSES))
	./scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_TIME) $(FUZZ_HARNESSES)

fuzz-smoke:
	$(MAKE) --no-print-directory fuzz FUZZ_TIME=$${FUZZ_SMOKE_TIME:-10}

$(BUILD_TSAN)/build.ninja: | deps
	$(MESON) setup $(BUILD_TSAN) --buildtype=debug -Db_sanitize=thread -Db_lundef=false

tsan: deps $(BUILD_TSAN)/build.ninja
	$(NINJA) -C $(BUILD_TSAN)
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		$(MESON) test -C $(BUILD_TSAN) --print-errorlogs --num-processes 2 \
		--no-suite fuzz

bench: build
	./scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_CHECK) $(BUILD_FUZZ) $(BUILD_TSAN)
