// Calendar arithmetic for the RTC: Unix seconds <-> proleptic Gregorian date and time, integers only.
// (Days-from-civil and its inverse: the era/day-of-era method, valid for years 1970-9999 here.)
#pragma once

#include "base/types.hpp"

namespace realvm::devices {

struct CivilTime {
    u32 year = 1970;
    u8 month = 1; // 1-12
    u8 day = 1;   // 1-31
    u8 hour = 0;
    u8 minute = 0;
    u8 second = 0;
    u8 weekday = 5; // 1 = Sunday ... 7 = Saturday (MC146818 register 6); 1970-01-01 was a Thursday
};

constexpr u64 days_from_civil(u32 year, u32 month, u32 day) {
    const u32 y = month <= 2 ? year - 1 : year;
    const u32 era = y / 400;
    const u32 yoe = y - era * 400;
    const u32 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return u64(era) * 146097 + doe - 719468;
}

constexpr CivilTime civil_from_unix(u64 seconds) {
    CivilTime t;
    const u64 days = seconds / 86400;
    const u64 rem = seconds % 86400;
    t.hour = u8(rem / 3600);
    t.minute = u8(rem / 60 % 60);
    t.second = u8(rem % 60);
    t.weekday = u8((days + 4) % 7 + 1); // day 0 was a Thursday (5)
    const u64 z = days + 719468;
    const u64 era = z / 146097;
    const u64 doe = z - era * 146097;
    const u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const u64 mp = (5 * doy + 2) / 153;
    t.day = u8(doy - (153 * mp + 2) / 5 + 1);
    t.month = u8(mp < 10 ? mp + 3 : mp - 9);
    t.year = u32(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
    return t;
}

constexpr u64 unix_from_civil(const CivilTime& t) {
    return days_from_civil(t.year, t.month, t.day) * 86400 + u64(t.hour) * 3600 + u64(t.minute) * 60 +
           t.second;
}

} // namespace realvm::devices
