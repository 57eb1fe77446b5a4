#pragma once
// The thread that asks for ratings: every little while (a quarter of the quiet time, at most 30 s) it asks
// the customers whose conversations have gone quiet to rate them (Pipeline::ask_for_ratings). The quiet time
// (satisfaction.quiet_seconds) follows SIGHUP; businesses turn the question on with
// `sbcctl business update --satisfaction`.

#include <condition_variable>
#include <mutex>
#include <thread>

namespace sbc::config {
class Live;
}

namespace sbc::pipeline {

class Pipeline;

class SurveyTimer {
  public:
    SurveyTimer(const config::Live& config, Pipeline& pipeline);
    SurveyTimer(const SurveyTimer&) = delete;
    SurveyTimer& operator=(const SurveyTimer&) = delete;
    // Stops after the round in progress.
    ~SurveyTimer();

  private:
    void run();

    const config::Live& m_config;
    Pipeline& m_pipeline;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace sbc::pipeline
