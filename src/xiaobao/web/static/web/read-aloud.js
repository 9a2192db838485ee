/* Read-aloud with this device's own voice (INC-E2), where the browser has speechSynthesis.
   Progressive enhancement: without this script each player still has the server's audio; with it, the
   hidden "Read with this device's voice" buttons appear and read their text in its language. One press
   reads, a second press stops; aria-pressed says which. Playing one text stops any other. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var buttons = document.querySelectorAll("button.read-aloud-device");
  var speaking = null;

  function stopped() {
    if (speaking) {
      speaking.setAttribute("aria-pressed", "false");
      speaking = null;
    }
  }

  function pauseAudio(except) {
    Array.prototype.forEach.call(document.querySelectorAll(".read-aloud audio"), function (audio) {
      if (audio !== except) { audio.pause(); }
    });
  }

  function read(button) {
    var wasThis = speaking === button;
    pauseAudio(null);
    window.speechSynthesis.cancel();
    stopped();
    if (wasThis) {
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(button.getAttribute("data-text") || "");
    utterance.lang = button.getAttribute("data-lang") || document.documentElement.lang || "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = function () { if (speaking === button) { stopped(); } };
    utterance.onerror = utterance.onend;
    speaking = button;
    button.setAttribute("aria-pressed", "true");
    window.speechSynthesis.speak(utterance);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { read(button); });
  });
  document.addEventListener("play", function (event) {
    if (event.target && event.target.tagName === "AUDIO") {
      window.speechSynthesis.cancel();
      stopped();
      pauseAudio(event.target);
    }
  }, true);
})();
