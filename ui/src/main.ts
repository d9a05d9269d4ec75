// The dashboard's pages come next; this placeholder proves the build and the serving.
document.getElementById('app')!.textContent = 'switchyard';
