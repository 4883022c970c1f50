// Keeps the "selected" class of a choice row (templates/consultations/_choices.html) in step with its
// radio, for browsers without CSS :has(); the rows work as plain labels without it.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.form || input.type !== "radio" || !input.closest("label.choice")) return;
  var group = input.form.querySelectorAll('input[type=radio][name="' + input.name + '"]');
  for (var i = 0; i < group.length; i++) {
    group[i].closest("label.choice").classList.toggle("selected", group[i].checked);
  }
});
