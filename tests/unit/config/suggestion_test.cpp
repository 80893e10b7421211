#include "vmm/config/suggestion.hpp"

#include <array>
#include <gtest/gtest.h>

using namespace realvm::config;

TEST(Suggestion, EditDistance) {
    EXPECT_EQ(edit_distance("memory", "memory"), 0u);
    EXPECT_EQ(edit_distance("memroy", "memory"), 2u);
    EXPECT_EQ(edit_distance("memor", "memory"), 1u);
    EXPECT_EQ(edit_distance("Memory", "memory"), 0u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggestion, ClosestWord) {
    constexpr std::array<std::string_view, 4> words = {"memory", "kernel", "initrd", "disk"};
    EXPECT_EQ(closest_word("memroy", words), "memory");
    EXPECT_EQ(closest_word("kernal", words), "kernel");
    EXPECT_EQ(closest_word("disc", words), "disk");
    EXPECT_EQ(closest_word("Kernel", words), "kernel");
    EXPECT_EQ(closest_word("colour", words), "");
    EXPECT_EQ(closest_word("x", words), ""); // one letter is no basis for a guess
}

TEST(Suggestion, LongWordsAreNotCompared) {
    constexpr std::array<std::string_view, 1> words = {"memory"};
    EXPECT_EQ(closest_word(std::string_view("memoryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"), words), "");
}
