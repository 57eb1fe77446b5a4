#include "daemon/pipeline/survey_timer.hpp"

#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/pipeline/pipeline.hpp"

#include <algorithm>
#include <chrono>

namespace sbc::pipeline {
namespace {

// A conversation is asked about within a quarter of the quiet time after it went quiet; no more often than
// every 100 ms (tests use a quiet time of a second) and at least every 30 s.
std::chrono::milliseconds round_interval(std::int64_t quiet_ms) {
    return std::chrono::milliseconds(std::clamp<std::int64_t>(quiet_ms / 4, 100, 30'000));
}

} // namespace

SurveyTimer::SurveyTimer(const config::Live& config, Pipeline& pipeline)
    : m_config(config), m_pipeline(pipeline), m_thread([this] {
          log::name_this_thread("sbc-survey");
          run();
      }) {}

SurveyTimer::~SurveyTimer() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

void SurveyTimer::run() {
    bool failing = false;
    for (;;) {
        std::int64_t quiet_ms = static_cast<std::int64_t>(m_config.get()->satisfaction_quiet_seconds) * 1000;
        {
            std::unique_lock lock(m_mutex);
            if (m_cv.wait_for(lock, round_interval(quiet_ms), [this] { return m_stopping; })) {
                return;
            }
        }
        auto asked = m_pipeline.ask_for_ratings(time_format::now_ms(), quiet_ms);
        if (!asked) {
            // Logged once per failure spell: the store logs the cause, and the next round tries again.
            if (!failing) {
                log_warn("survey", "could not ask for ratings: {}", asked.error().message);
            }
            failing = true;
            continue;
        }
        failing = false;
        if (*asked > 0) {
            log_info("survey", "asked {} customer(s) to rate their conversation", *asked);
        }
    }
}

} // namespace sbc::pipeline
