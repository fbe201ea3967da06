# The random-operation stressor is one program from several files: its
# tests in random_ops_test.c (the harness keeps them in one file), the
# machinery in the other .c files of this folder.  The generic rule for
# selftests links a program's own object only; this one links them all.
STRESSOR_SRCS := $(filter-out %_test.c,$(sort $(wildcard selftests/stressor/*.c)))
STRESSOR_OBJS := $(STRESSOR_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/selftests/stressor/random_ops_test: $(BUILD)/selftests/stressor/random_ops_test.o $(STRESSOR_OBJS) $(LIB_A)
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS)

-include $(STRESSOR_OBJS:.o=.d)
